import Foundation
import LikelyData
import LikelyTensor
import Testing

@Suite("Datasets, batching and splits") struct DatasetTests {
    /// 10 examples: row i has features [i, 10 i] and target i mod 3 (classes 0, 1, 2).
    func sample() -> Dataset {
        Dataset(features: Tensor(shape: [10, 2], scalars: (0..<10).flatMap { [Float($0), Float(10 * $0)] }),
                targets: Tensor((0..<10).map { Float($0 % 3) }), classNames: ["a", "b", "c"])
    }

    @Test func subsetGathersWholeRows() {
        let s = sample().subset([3, 0, 3])
        #expect(s.count == 3)
        #expect(s.features.scalars == [3, 30, 0, 0, 3, 30])
        #expect(s.targets.scalars == [0, 0, 0])
        let images = Tensor(shape: [3, 2, 2, 1], scalars: (0..<12).map(Float.init))
        #expect(images.gatheringRows([2, 0]).scalars == [8, 9, 10, 11, 0, 1, 2, 3])
        #expect(images.gatheringRows([]).shape == [0, 2, 2, 1])
    }

    @Test func batchesCoverEveryRowOnceWithPartialLast() {
        let data = sample()
        var random = RandomSource(seed: 7)
        let order = data.shuffledOrder(using: &random)
        #expect(order.sorted() == Array(0..<10))
        let batches = Array(data.batches(size: 4, order: order))
        #expect(data.batches(size: 4).count == 3)
        #expect(batches.map(\.features.shape) == [[4, 2], [4, 2], [2, 2]])
        #expect(batches.flatMap(\.indices) == order)
        for batch in batches {
            #expect(batch.features.scalars == batch.indices.flatMap { [Float($0), Float(10 * $0)] })
            #expect(batch.targets.scalars == batch.indices.map { Float($0 % 3) })
        }
    }

    @Test func shuffledEpochsAreSeededAndDiffer() {
        let data = sample()
        var a = RandomSource(seed: 11), b = RandomSource(seed: 11)
        let first = data.shuffledOrder(using: &a), again = data.shuffledOrder(using: &b)
        #expect(first == again)
        let second = data.shuffledOrder(using: &a)
        #expect(second != first)
        #expect(Array(data.shuffledBatches(size: 3, using: &b)).flatMap(\.indices) == second)
    }

    @Test func splitSizesAreDisjointAndSeeded() {
        let data = Dataset(features: Tensor(shape: [100, 1], scalars: (0..<100).map(Float.init)), targets: Tensor.zeros([100]))
        var random = RandomSource(seed: 3)
        let split = data.split(validationFraction: 0.2, testFraction: 0.1, using: &random)
        let sizes: [Int] = [split.train.count, split.validation.count, split.test.count]
        #expect(sizes == [70, 20, 10])
        let all = (split.train.features.scalars + split.validation.features.scalars + split.test.features.scalars).map { Int($0) }
        #expect(all.sorted() == Array(0..<100))
        var again = RandomSource(seed: 3)
        let repeated: [Float] = data.split(validationFraction: 0.2, testFraction: 0.1, using: &again).validation.features.scalars
        #expect(repeated == split.validation.features.scalars)
    }

    @Test func stratifiedSplitKeepsClassProportions() {
        // 60 of class 0, 30 of class 1, 10 of class 2.
        let labels = (0..<100).map { Float($0 < 60 ? 0 : ($0 < 90 ? 1 : 2)) }
        let data = Dataset(features: Tensor(shape: [100, 1], scalars: (0..<100).map(Float.init)), targets: Tensor(labels), classNames: ["0", "1", "2"])
        var random = RandomSource(seed: 5)
        let split = data.split(validationFraction: 0.2, stratified: true, using: &random)
        let counts = { (d: Dataset) in (0..<3).map { c in d.classIndices.filter { $0 == c }.count } }
        #expect(counts(split.validation) == [12, 6, 2])
        #expect(counts(split.train) == [48, 24, 8])
        #expect(split.test.count == 0)
    }

    @Test func oneHotRows() {
        let t = Tensor.oneHot([2, 0, 1], classCount: 3)
        #expect(t.shape == [3, 3])
        #expect(t.scalars == [0, 0, 1, 1, 0, 0, 0, 1, 0])
    }
}

@Suite("Standardizer") struct StandardizerTests {
    @Test func fitsPopulationStatisticsAndHandlesConstantFeatures() throws {
        // Column 0: 1, 2, 3, 4 → μ = 2.5, σ = √1.25; column 1 constant 7 → σ := 1.
        let x = Tensor(shape: [4, 2], scalars: [1, 7, 2, 7, 3, 7, 4, 7])
        let s = Standardizer(fitting: x)
        #expect(s.mean == [2.5, 7])
        #expect(abs(s.standardDeviation[0] - Float(1.25.squareRoot())) < 1e-6)
        #expect(s.standardDeviation[1] == 1)
        let z = s.apply(x)
        let expected: [Float] = [-1.5, -0.5, 0.5, 1.5].map { $0 / Float(1.25.squareRoot()) }
        for r in 0..<4 {
            #expect(abs(z[r, 0] - expected[r]) < 1e-6)
            #expect(z[r, 1] == 0)
        }
        let back = s.invert(z)
        for (a, b) in zip(back.scalars, x.scalars) { #expect(abs(a - b) < 1e-5) }
        #expect(s.invertScale(Tensor(shape: [1, 2], scalars: [2, 3])).scalars[1] == 3)
    }

    @Test func fitsTargetsAndImagesAndIsCodable() throws {
        let y = Standardizer(fitting: Tensor([2, 4, 6]))
        #expect(y.featureShape == [])
        #expect(y.mean == [4])
        #expect(abs(y.standardDeviation[0] - Float((8.0 / 3).squareRoot())) < 1e-6)
        let images = Standardizer(fitting: Tensor(shape: [2, 1, 2, 1], scalars: [0, 1, 1, 1]))
        #expect(images.featureShape == [1, 2, 1])
        #expect(images.mean == [0.5, 1])
        let data = try JSONEncoder().encode(images)
        #expect(try JSONDecoder().decode(Standardizer.self, from: data) == images)
    }

    /// Column 0 is an indicator seen once in 8 rows (μ = 1/8, σ would be √7/8 ≈ 0.33): it is
    /// centred but not divided, so its 1 is the input 7/8, not 7/√7 ≈ 2.65. Column 1 takes 0,
    /// 1 and 2, not an indicator: μ = 3/8, σ² = (6·9 + 25 + 169)/(64·8), hand-worked below.
    @Test func anIndicatorIsCentredButNotDivided() throws {
        let x = Tensor(shape: [8, 2], scalars: [0, 0, 0, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0])
        let s = Standardizer(fitting: x)
        #expect(s.mean == [0.125, 0.375])
        #expect(s.standardDeviation[0] == 1)
        // Column 1: values 0 ×6, 1, 2: Σ(x − 3/8)² = 6·(9/64) + 25/64 + 169/64 = 248/64.
        #expect(abs(s.standardDeviation[1] - Float((248.0 / 64 / 8).squareRoot())) < 1e-6)
        #expect(s.apply(x)[3, 0] == 0.875 && s.apply(x)[0, 0] == -0.125)
        // A compact table's one-hot inputs follow the same rule (CompactTableTests compares them).
    }

    /// Fitted on 0, 1, 2 (μ = 1, σ = √(2/3)), x is clipped to [0, 2] first: −5 maps as 0 does,
    /// 10 as 2, 1.5 is inside and kept. A standardizer of an older model file, without a range,
    /// clips nothing.
    @Test func clipsToTheTrainingRange() throws {
        let s = Standardizer(fitting: Tensor(shape: [3, 1], scalars: [0, 1, 2]))
        #expect(s.minimum == [0] && s.maximum == [2])
        let sigma = Float((2.0 / 3).squareRoot())
        let z = s.apply(Tensor(shape: [3, 1], scalars: [-5, 10, 1.5])).scalars
        for (a, b) in zip(z, [-1 / sigma, 1 / sigma, 0.5 / sigma]) { #expect(abs(a - b) < 1e-6) }
        let old = try JSONDecoder().decode(Standardizer.self, from: Data(#"{"mean":[1],"standardDeviation":[1],"featureShape":[1]}"#.utf8))
        #expect(old.minimum == nil && old.apply(Tensor(shape: [1, 1], scalars: [-5])).scalars == [-6])
    }
}
