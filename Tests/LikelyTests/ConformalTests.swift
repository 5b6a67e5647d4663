import Foundation
import Likely
import LikelyTestSupport
import Testing

/// Split conformal prediction: the finite-sample threshold and the scores by hand, and mean
/// coverage over many random calibration/test splits (the guarantee E[coverage] ∈ [L, L + 1/(n+1)]).
struct ConformalTests {
    /// Scores 0.1, 0.2, …, 1.0 (n = 10): L = 0.8 takes the ⌈11·0.8⌉ = 9th, 0.9; L = 0.5 the
    /// ⌈5.5⌉ = 6th, 0.6; L = 0.95 needs the 11th of 10, so q̂ = +∞. With n = 9 and L = 0.9,
    /// (n + 1)L = 9 exactly: the 9th, not the 10th.
    @Test func finiteSampleThreshold() {
        let c = ConformalCalibration(method: .lac, scores: (1...10).reversed().map { Double($0) / 10 }, mcSamples: 0, seed: 0)
        #expect(c.threshold(level: 0.8) == 0.9)
        #expect(c.threshold(level: 0.5) == 0.6)
        #expect(c.threshold(level: 0.95) == .infinity)
        let nine = ConformalCalibration(method: .lac, scores: (1...9).map(Double.init), mcSamples: 0, seed: 0)
        #expect(nine.threshold(level: 0.9) == 9)
        #expect(nine.threshold(level: 0.01) == 1)
    }

    /// Rows p̄ = (0.5, 0.3, 0.2) twice and (0.3, 0.2, 0.5), labels 0, 1, 0: LAC scores 1 − p_y
    /// (0.5, 0.7, 0.7); APS the mass ranked at or above y (0.5, 0.8, 0.8: in the last row class
    /// 0 ranks second); RAPS adds 0.01 per rank beyond the first (0.5, 0.81, 0.81). At q̂ = 0.75
    /// the LAC set of (0.5, 0.3, 0.2) is {0, 1} (0.5 and 0.7 ≤ 0.75), APS {0}; q̂ = 0.815 gives
    /// RAPS {0, 1}.
    @Test func classificationScoresAndSets() {
        let p = Predictive(head: Head(.categorical, classCount: 3),
                           members: [Categorical(probs: Tensor(shape: [3, 3], scalars: [0.5, 0.3, 0.2, 0.5, 0.3, 0.2, 0.3, 0.2, 0.5]))])
        let y = Tensor([0, 1, 0])
        func close(_ a: [Double], _ b: [Double]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) < 1e-6 } }
        #expect(close(p.conformityScores(targets: y, method: .lac), [0.5, 0.7, 0.7]))
        #expect(close(p.conformityScores(targets: y, method: .aps), [0.5, 0.8, 0.8]))
        #expect(close(p.conformityScores(targets: y, method: .raps), [0.5, 0.81, 0.81]))
        guard case .sets(let lac) = p.conformalRegion(threshold: 0.75, method: .lac),
              case .sets(let aps) = p.conformalRegion(threshold: 0.75, method: .aps),
              case .sets(let raps) = p.conformalRegion(threshold: 0.815, method: .raps) else {
            Issue.record("classification regions must be sets")
            return
        }
        #expect(lac == [[0, 1], [0, 1], [2, 0]])
        #expect(aps == [[0], [0], [2]])
        #expect(raps == [[0, 1], [0, 1], [2, 0]])
    }

    /// N(0, 1): y = 1 has score 2Φ(1) − 1 = 0.682689, y = −2 has 0.954500. Poisson(2): y = 2
    /// is central (score 0), y = 5 has 2·P(Y ≤ 4) − 1 = 2·7e⁻² − 1 = 0.894694. The interval at
    /// q̂ = 0.682689 is ±1.
    @Test func regressionAndCountScores() {
        let normal = Predictive(head: Head(.normal), members: [Normal(loc: Tensor([0, 0]), scale: Tensor([1, 1]))])
        let s = normal.conformityScores(targets: Tensor([1, -2]), method: .cqr)
        #expect(abs(s[0] - 0.682689) < 1e-5 && abs(s[1] - 0.954500) < 1e-5)
        guard case .intervals(let lower, let upper) = normal.conformalRegion(threshold: 0.682689, method: .cqr) else {
            Issue.record("a regression region must be intervals")
            return
        }
        #expect(abs(lower[0] + 1) < 1e-3 && abs(upper[0] - 1) < 1e-3)
        let poisson = Predictive(head: Head(.poisson), members: [Poisson(rate: Tensor([2, 2]))])
        let c = poisson.conformityScores(targets: Tensor([2, 5]), method: .cqr)
        #expect(c[0] == 0 && abs(c[1] - (2 * 7 * exp(-2.0) - 1)) < 1e-5)
        guard case .intervals(let l, let u) = poisson.conformalRegion(threshold: .infinity, method: .cqr) else { return }
        #expect(l[0] == -.infinity && u[0] == .infinity)
    }

    /// A too-narrow, slightly biased two-member mixture on y = 2 sin x + (0.2 + 0.5|x|)ε:
    /// over 100 random 1000/1000 splits the conformal intervals' mean coverage is within
    /// 0.01 of L, the raw 90% interval covers far less, and the intervals stay heteroscedastic.
    @Test func heteroscedasticRegressionCoverage() {
        var random = RandomSource(seed: 16)
        let n = 2000
        var x: [Float] = [], y: [Float] = []
        for _ in 0..<n {
            let xi = -3 + 6 * random.uniform(), sigma = 0.2 + 0.5 * abs(xi)
            x.append(Float(xi))
            y.append(Float(2 * sin(xi) + sigma * random.normal()))
        }
        func predictive(_ rows: [Int]) -> Predictive {
            let centre = rows.map { 2 * sin(x[$0]) }, sigma = rows.map { 0.2 + 0.5 * abs(x[$0]) }
            let members = [-0.3, 0.3].map { shift in
                Normal(loc: Tensor(zip(centre, sigma).map { $0 + Float(shift) * $1 }), scale: Tensor(sigma.map { 0.6 * $0 }))
            }
            return Predictive(head: Head(.normal), members: members)
        }
        let all = predictive(Array(0..<n))
        let raw = all.interval(level: 0.9)
        let rawCoverage = Double((0..<n).filter { raw.lower[$0] <= y[$0] && y[$0] <= raw.upper[$0] }.count) / Double(n)
        #expect(rawCoverage < 0.85, "the uncalibrated 90% interval should under-cover, got \(rawCoverage)")
        var coverage: [Double: Double] = [:]
        var narrow = 0.0, wide = 0.0
        for split in 0..<100 {
            var order = Array(0..<n)
            random.shuffle(&order)
            let calibration = Array(order[0..<1000]), test = Array(order[1000...])
            let scores = predictive(calibration).conformityScores(targets: Tensor(calibration.map { y[$0] }), method: .cqr)
            let c = ConformalCalibration(method: .cqr, scores: scores, mcSamples: 0, seed: 0)
            let testPredictive = predictive(test)
            for level in [0.8, 0.9, 0.95] {
                guard case .intervals(let lower, let upper) = testPredictive.conformalRegion(threshold: c.threshold(level: level), method: .cqr) else { return }
                let inside = test.indices.filter { lower[$0] <= y[test[$0]] && y[test[$0]] <= upper[$0] }.count
                coverage[level, default: 0] += Double(inside) / Double(test.count) / 100
                if split == 0 && level == 0.9 {
                    let widths = test.indices.map { (abs(x[test[$0]]), Double(upper[$0] - lower[$0])) }
                    narrow = mean(widths.filter { $0.0 < 0.5 }.map(\.1))
                    wide = mean(widths.filter { $0.0 > 2 }.map(\.1))
                }
            }
        }
        for level in [0.8, 0.9, 0.95] {
            #expect(abs(coverage[level]! - level) <= 0.01, "level \(level): mean coverage \(coverage[level]!)")
        }
        #expect(wide > 2.5 * narrow, "interval widths should follow σ(x): \(narrow) near 0, \(wide) beyond |x| = 2")
    }

    /// The seed CNN's probabilities on 10,000 Fashion-MNIST test images (trained briefly on
    /// 10,000 training images): over 200 random 5000/5000 splits the mean coverage of the LAC
    /// sets is within 0.01 of L, and APS covers at least L − 0.01. On one split the sets hold
    /// exactly the classes whose score is ≤ q̂.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: FashionMNISTTests.directory)))
    func fashionMNISTCoverage() throws {
        let model = try FashionMNISTTests.brieflyTrainedSeedCNN(images: 10000, seed: 3)
        let test = try MNISTDirectory.load(FashionMNISTTests.directory, split: .test)
        var random = RandomSource(seed: 4)  // the calibration/test splits
        let predictive = model.predictive(test.features)
        let labels = test.targets
        let n = test.count
        for method in [ConformalMethod.lac, .aps] {
            let scores = predictive.conformityScores(targets: labels, method: method)
            var coverage: [Double: Double] = [:], size = 0.0
            for split in 0..<200 {
                var order = Array(0..<n)
                random.shuffle(&order)
                let c = ConformalCalibration(method: method, scores: order[0..<(n / 2)].map { scores[$0] }, mcSamples: 0, seed: 0)
                let held = order[(n / 2)...]
                for level in [0.8, 0.9, 0.95] {
                    let q = c.threshold(level: level)
                    coverage[level, default: 0] += Double(held.filter { scores[$0] <= q }.count) / Double(held.count) / 200
                    if split == 0 {
                        guard case .sets(let sets) = predictive.conformalRegion(threshold: q, method: method) else { return }
                        let k = 10, p = predictive.classification.meanProbabilities.scalars
                        for i in held.prefix(500) {
                            let row = Array(p[(i * k)..<((i + 1) * k)])
                            let expected = (0..<k).filter { Self.score(of: $0, row: row, method: method) <= q }
                            #expect(Set(sets[i]) == Set(expected), "input \(i): set \(sets[i]), classes with score ≤ q̂ \(expected)")
                        }
                        if level == 0.9 { size = Double(held.map { sets[$0].count }.reduce(0, +)) / Double(held.count) }
                    }
                }
            }
            print("fashion-mnist conformal \(method.rawValue): mean coverage \(coverage), set size at 0.9 \(size)")
            for level in [0.8, 0.9, 0.95] {
                if method == .lac {
                    #expect(abs(coverage[level]! - level) <= 0.01, "\(method) level \(level): mean coverage \(coverage[level]!)")
                } else {
                    #expect(coverage[level]! >= level - 0.01, "\(method) level \(level): mean coverage \(coverage[level]!)")
                }
            }
        }
    }

    /// The score of class `cls` for one probability row, written out independently.
    static func score(of cls: Int, row: [Float], method: ConformalMethod) -> Double {
        if method == .lac { return 1 - Double(row[cls]) }
        let above = row.indices.filter { row[$0] > row[cls] || (row[$0] == row[cls] && $0 < cls) }
        return above.reduce(Double(row[cls])) { $0 + Double(row[$1]) }
    }

    func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(max(v.count, 1)) }
}
