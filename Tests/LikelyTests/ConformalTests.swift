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
    /// (0.5, 0.7, 0.7). Randomised APS: the mass ranked above y plus uᵢ·p_y, with uᵢ the first
    /// uniform of stream (seed 7, `.conformalRandomisation`, 0, i): u₀·0.5, 0.5 + u₁·0.3,
    /// 0.5 + u₂·0.3 (in the last row class 0 ranks second). RAPS with λ = 0.01, k_reg = 1 adds
    /// 0.01 per rank beyond the first. A set holds the top-ranked classes whose score is ≤ q̂.
    @Test func classificationScoresAndSets() {
        let p = Predictive(head: Head(.categorical, classCount: 3),
                           members: [Categorical(probs: Tensor(shape: [3, 3], scalars: [0.5, 0.3, 0.2, 0.5, 0.3, 0.2, 0.3, 0.2, 0.5]))])
        let y = Tensor([0, 1, 0])
        let u = (0..<3).map { i -> Double in
            var r = RandomSource(key: StreamKey(seed: 7, purpose: .conformalRandomisation, example: UInt64(i)))
            return r.uniform()
        }
        func close(_ a: [Double], _ b: [Double]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) < 1e-6 } }
        #expect(close(p.conformityScores(targets: y, method: .lac), [0.5, 0.7, 0.7]))
        #expect(close(p.conformityScores(targets: y, method: .aps, seed: 7), [u[0] * 0.5, 0.5 + u[1] * 0.3, 0.5 + u[2] * 0.3]))
        let raps = ConformalScore(.raps, level: 0.9, penalty: 0.01, freeRanks: 1)
        #expect(close(p.conformityScores(targets: y, score: raps, seed: 7), [u[0] * 0.5, 0.51 + u[1] * 0.3, 0.51 + u[2] * 0.3]))
        guard case .sets(let lac) = p.conformalRegion(threshold: 0.75, method: .lac),
              case .sets(let aps) = p.conformalRegion(threshold: 0.5, method: .aps, seed: 7),
              case .sets(let rapsSets) = p.conformalRegion(threshold: 0.5, score: raps, seed: 7) else {
            Issue.record("classification regions must be sets")
            return
        }
        #expect(lac == [[0, 1], [0, 1], [2, 0]])
        // At q̂ = 0.5: class 0 (score u·0.5 ≤ 0.5) always, class 1 when 0.5 + u·0.3 ≤ 0.5, i.e. never.
        #expect(aps == [[0], [0], [2]] && rapsSets == aps)
        // At q̂ = 0.2 the top class is kept only when u·p̄ ≤ 0.2: the set may be empty.
        guard case .sets(let small) = p.conformalRegion(threshold: 0.2, method: .aps, seed: 7) else { return }
        #expect(small == [u[0] * 0.5 <= 0.2 ? [0] : [], u[1] * 0.5 <= 0.2 ? [0] : [], u[2] * 0.5 <= 0.2 ? [2] : []])
    }

    /// N(0, 1): y = 1 has dcp score 2Φ(1) − 1 = 0.682689, y = −2 has 0.954500. Poisson(2): y = 2
    /// is central (score 0), y = 5 has 2·P(Y ≤ 4) − 1 = 2·7e⁻² − 1 = 0.894694. The interval at
    /// q̂ = 0.682689 is ±1. CQR at L = 0.5 on N(0, 1): q_lo, q_hi = ∓0.674490, so y = 1 scores
    /// 1 − 0.674490 and y = 0 scores −0.674490; at q̂ = 0.1 the region is ±0.774490.
    @Test func regressionAndCountScores() {
        let normal = Predictive(head: Head(.normal), members: [Normal(loc: Tensor([0, 0]), scale: Tensor([1, 1]))])
        let s = normal.conformityScores(targets: Tensor([1, -2]), method: .dcp)
        #expect(abs(s[0] - 0.682689) < 1e-5 && abs(s[1] - 0.954500) < 1e-5)
        guard case .intervals(let lower, let upper) = normal.conformalRegion(threshold: 0.682689, method: .dcp) else {
            Issue.record("a regression region must be intervals")
            return
        }
        #expect(abs(lower[0] + 1) < 1e-3 && abs(upper[0] - 1) < 1e-3)
        let cqr = ConformalScore(.cqr, level: 0.5)
        let c = normal.conformityScores(targets: Tensor([1, 0]), score: cqr)
        #expect(abs(c[0] - (1 - 0.674490)) < 1e-5 && abs(c[1] + 0.674490) < 1e-5)
        guard case .intervals(let cl, let cu) = normal.conformalRegion(threshold: 0.1, score: cqr) else { return }
        #expect(abs(cl[0] + 0.774490) < 1e-5 && abs(cu[0] - 0.774490) < 1e-5)
        let poisson = Predictive(head: Head(.poisson), members: [Poisson(rate: Tensor([2, 2]))])
        let d = poisson.conformityScores(targets: Tensor([2, 5]), method: .dcp)
        #expect(d[0] == 0 && abs(d[1] - (2 * 7 * exp(-2.0) - 1)) < 1e-5)
        guard case .intervals(let l, let u) = poisson.conformalRegion(threshold: .infinity, method: .dcp) else { return }
        #expect(l[0] == -.infinity && u[0] == .infinity)
    }

    /// Poisson(2): F = 0.135335, 0.406006, 0.676676, 0.857123, 0.947347, 0.983436 at 0…5, so
    /// y = 4 scores max(1 − 2F(4), 2F(3) − 1) = 0.714247 and y = 0 scores 1 − 2F(0) = 0.729329.
    /// At q̂ equal to y = 4's own score the region must hold 4 (the tie is inside) and stop
    /// before 5 (0.894694); at q̂ = 0.729329 it holds 0 … 4.
    @Test func countRegionHoldsTies() {
        let poisson = Predictive(head: Head(.poisson), members: [Poisson(rate: Tensor([2]))])
        let four = poisson.conformityScores(targets: Tensor([4]), method: .dcp)[0]
        #expect(abs(four - 0.714247) < 1e-5)
        guard case .intervals(let lower, let upper) = poisson.conformalRegion(threshold: four, method: .dcp),
              case .intervals(let lower0, let upper0) = poisson.conformalRegion(
                threshold: poisson.conformityScores(targets: Tensor([0]), method: .dcp)[0], method: .dcp) else { return }
        #expect(lower == [1] && upper == [4], "region [\(lower), \(upper)] at q̂ = \(four)")
        #expect(lower0 == [0] && upper0 == [4], "region [\(lower0), \(upper0)]")
    }

    /// The finite-sample guarantee for every count family, and for continuous ones, with both
    /// regression scores: over 100 seeded random 150/150 splits of data drawn from a true model
    /// that the predictive (a two-member mixture) gets wrong, the regions calibrated on one half
    /// hold at least ⌈(n + 1)L⌉/n of that same half on every split and level (the count heads
    /// fell short of this before ties at q̂ were put inside), and on the other half cover L on
    /// average (within two standard errors of the mean over the splits).
    @Test(arguments: [Family.poisson, .negativeBinomial, .zeroInflatedPoisson, .normal, .studentT, .gamma])
    func finiteSampleGuarantee(family: Family) {
        var random = RandomSource(seed: 32)
        let n = 300, half = 150
        let x = (0..<n).map { _ in Float(random.uniform()) }
        // The truth and a wrong predictive of each input, as members over rows.
        func members(_ rows: [Int], truth: Bool) -> [any UnivariateDistribution] {
            let shifts: [Float] = truth ? [1] : [0.7, 1.25]
            return shifts.map { a in
                let t = rows.map { 1 + 2 * x[$0] }
                switch family {
                case .poisson: return Poisson(rate: Tensor(t.map { 2 * a * $0 }))
                case .negativeBinomial: return NegativeBinomial(totalCount: Tensor(rows.map { _ in 3 }), probs: Tensor(t.map { 0.2 * $0 * a }))
                case .zeroInflatedPoisson: return ZeroInflatedPoisson(rate: Tensor(t.map { 3 * a * $0 }), gate: Tensor(rows.map { _ in truth ? 0.3 : 0.15 }))
                case .normal: return Normal(loc: Tensor(t.map { $0 * a }), scale: Tensor(t.map { 0.5 * $0 * a }))
                case .studentT: return StudentT(df: Tensor(rows.map { _ in 3 }), loc: Tensor(t), scale: Tensor(t.map { a * $0 }))
                default: return Gamma(concentration: Tensor(t.map { 2 * $0 }), rate: Tensor(rows.map { _ in a }))
                }
            }
        }
        let all = Array(0..<n)
        let y = members(all, truth: true)[0].sample(count: 1, using: &random).scalars
        let levels = [0.6, 0.9]
        var testCoverage: [Double: [Double]] = [:]
        for method in [ConformalMethod.dcp, .cqr] {
            for split in 0..<100 {
                var order = all
                random.shuffle(&order)
                let calibration = Array(order[..<half]), test = Array(order[half...])
                let calibrationPredictive = Predictive(head: Head(family), members: members(calibration, truth: false))
                let testPredictive = Predictive(head: Head(family), members: members(test, truth: false))
                for level in levels {
                    let score = ConformalScore(method, level: method == .cqr ? level : nil)
                    let c = ConformalCalibration(score: score, scores: calibrationPredictive.conformityScores(
                        targets: Tensor(calibration.map { y[$0] }), score: score), mcSamples: 0, seed: 0)
                    let q = c.threshold(level: level)
                    func coverage(_ predictive: Predictive, _ rows: [Int]) -> Double {
                        guard case .intervals(let lower, let upper) = predictive.conformalRegion(threshold: q, score: score) else { return 0 }
                        return Double(rows.indices.filter { lower[$0] <= y[rows[$0]] && y[rows[$0]] <= upper[$0] }.count) / Double(rows.count)
                    }
                    let guaranteed = (Double(half + 1) * level).rounded(.up) / Double(half)
                    let own = coverage(calibrationPredictive, calibration)
                    #expect(own >= guaranteed - 1e-12, "\(family.name) \(method) split \(split) level \(level): \(own) < \(guaranteed)")
                    testCoverage[level, default: []].append(coverage(testPredictive, test))
                }
            }
        }
        for level in levels {
            let values = testCoverage[level]!
            let mean = values.reduce(0, +) / Double(values.count)
            let se = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1) / Double(values.count)).squareRoot()
            #expect(mean >= level - 2 * se, "\(family.name) level \(level): mean held-out coverage \(mean) ± \(se)")
        }
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
        let rawCovered = (0..<n).filter { i -> Bool in raw.lower[i] <= Double(y[i]) && Double(y[i]) <= raw.upper[i] }.count
        let rawCoverage = Double(rawCovered) / Double(n)
        #expect(rawCoverage < 0.85, "the uncalibrated 90% interval should under-cover, got \(rawCoverage)")
        var coverage: [Double: Double] = [:]
        var narrow = 0.0, wide = 0.0
        for split in 0..<100 {
            var order = Array(0..<n)
            random.shuffle(&order)
            let calibration = Array(order[0..<1000]), test = Array(order[1000...])
            let scores = predictive(calibration).conformityScores(targets: Tensor(calibration.map { y[$0] }), method: .dcp)
            let c = ConformalCalibration(method: .dcp, scores: scores, mcSamples: 0, seed: 0)
            let testPredictive = predictive(test)
            for level in [0.8, 0.9, 0.95] {
                guard case .intervals(let lower, let upper) = testPredictive.conformalRegion(threshold: c.threshold(level: level), method: .dcp) else { return }
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
    /// sets is within 0.01 of L, and randomised APS's too. On one split the sets hold exactly
    /// the classes whose score is ≤ q̂.
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
                            var stream = RandomSource(key: StreamKey(seed: 0, purpose: .conformalRandomisation, example: UInt64(i)))
                            let u = stream.uniform()
                            let expected = (0..<k).filter { Self.score(of: $0, row: row, method: method, u: u) <= q }
                            #expect(Set(sets[i]) == Set(expected), "input \(i): set \(sets[i]), classes with score ≤ q̂ \(expected)")
                        }
                        if level == 0.9 { size = Double(held.map { sets[$0].count }.reduce(0, +)) / Double(held.count) }
                    }
                }
            }
            print("fashion-mnist conformal \(method.rawValue): mean coverage \(coverage), set size at 0.9 \(size)")
            for level in [0.8, 0.9, 0.95] {
                #expect(abs(coverage[level]! - level) <= 0.01, "\(method) level \(level): mean coverage \(coverage[level]!)")
            }
        }
    }

    /// Randomised APS against MAPIE's (`Fixtures/conformal/generate_aps_reference.py`): on
    /// the same over-confident probabilities (4000 inputs, 10 classes) and the same 20 random
    /// 2000/2000 splits, at L = 0.9 the mean set size is within 10% of MAPIE's randomised APS
    /// and the coverage is L within two standard errors.
    @Test func randomisedAPSMatchesMAPIE() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/conformal")
        let probabilities = try NPYArray(path: directory.appendingPathComponent("probabilities.npy").path)
        let labels = try NPYArray(path: directory.appendingPathComponent("labels.npy").path).scalars
        let splits = try NPYArray(path: directory.appendingPathComponent("splits.npy").path)
        let fixture = try MetricsFixture.load(file: "conformal/aps_reference.json")
        let level = fixture.number("level"), mapie = fixture.numbers("mean_set_size")
        let n = probabilities.shape[0], k = probabilities.shape[1], half = n / 2
        var sizes: [Double] = [], coverages: [Double] = []
        for s in 0..<splits.shape[0] {
            let order = splits.scalars[(s * n)..<((s + 1) * n)].map { Int($0) }
            func predictive(_ rows: ArraySlice<Int>) -> Predictive {
                Predictive(head: Head(.categorical, classCount: k), members: [Categorical(probs: Tensor(
                    shape: [rows.count, k], scalars: rows.flatMap { probabilities.scalars[($0 * k)..<(($0 + 1) * k)] }))])
            }
            let calibration = order[..<half], test = order[half...]
            let scores = predictive(calibration).conformityScores(targets: Tensor(calibration.map { labels[$0] }), method: .aps, seed: UInt64(s))
            let q = ConformalCalibration(method: .aps, scores: scores, mcSamples: 0, seed: UInt64(s)).threshold(level: level)
            guard case .sets(let sets) = predictive(test).conformalRegion(threshold: q, method: .aps, seed: UInt64(s) + 1000) else { return }
            sizes.append(Double(sets.reduce(0) { $0 + $1.count }) / Double(test.count))
            coverages.append(Double(zip(sets, test).filter { $0.contains(Int(labels[$1])) }.count) / Double(test.count))
        }
        let size = mean(sizes), reference = mean(mapie), coverage = mean(coverages)
        let se = (coverages.map { ($0 - coverage) * ($0 - coverage) }.reduce(0, +) / Double(coverages.count * (coverages.count - 1))).squareRoot()
        print("randomised APS at L = \(level): mean set size \(size) (MAPIE \(reference)), coverage \(coverage)")
        #expect(abs(size - reference) <= 0.1 * reference, "mean set size \(size), MAPIE's \(reference)")
        #expect(abs(coverage - level) <= 2 * se + 0.005, "coverage \(coverage) ± \(se)")
    }

    /// The score of class `cls` for one probability row, written out independently: LAC
    /// 1 − p_cls; randomised APS the mass of the classes ranked above cls plus u·p_cls.
    static func score(of cls: Int, row: [Float], method: ConformalMethod, u: Double) -> Double {
        if method == .lac { return 1 - Double(row[cls]) }
        let above = row.indices.filter { row[$0] > row[cls] || (row[$0] == row[cls] && $0 < cls) }
        return above.reduce(u * Double(row[cls])) { $0 + Double(row[$1]) }
    }

    func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(max(v.count, 1)) }

    /// The stored entry of `model.json` (snake-case keys, as `ModelDirectory` writes them): a
    /// raps calibration reads back equal, settings and all; a version-1 `cqr` entry without a
    /// level reads as `dcp`; a level on a score that takes none, a raps score without one, a
    /// negative λ or k_reg, and a negative score outside `cqr` are refused, naming the key
    /// (as the type declares it).
    @Test func storedEntryRoundTripsAndIsChecked() throws {
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.outputFormatting = .sortedKeys
        encoder.keyEncodingStrategy = .convertToSnakeCase
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let raps = ConformalCalibration(score: ConformalScore(.raps, level: 0.9, penalty: 0.01, freeRanks: 2),
                                        scores: [0.3, 0.1, 0.2], mcSamples: 5, seed: 7)
        let json = String(decoding: try encoder.encode(raps), as: UTF8.self)
        #expect(json == #"{"level":0.9,"mc_samples":5,"method":"raps","predictive":"dropout","raps_free_ranks":2,"raps_penalty":0.01,"#
                + #""scores":[0.1,0.2,0.3],"seed":7}"#)
        #expect(try decoder.decode(ConformalCalibration.self, from: Data(json.utf8)) == raps)

        func read(_ text: String) throws -> ConformalCalibration { try decoder.decode(ConformalCalibration.self, from: Data(text.utf8)) }
        let versionOne = try read(#"{"method":"cqr","scores":[0.5],"mc_samples":0,"seed":1}"#)
        #expect(versionOne.method == .dcp && versionOne.score.level == nil && versionOne.predictive == "network")
        let refused = [#"{"method":"dcp","level":0.9,"scores":[0.5],"mc_samples":0,"seed":1}"#: "level",
                       #"{"method":"raps","scores":[0.5],"mc_samples":0,"seed":1,"raps_penalty":0,"raps_free_ranks":0}"#: "level",
                       #"{"method":"raps","level":0.9,"scores":[0.5],"mc_samples":0,"seed":1,"raps_penalty":-1,"raps_free_ranks":0}"#: "rapsPenalty",
                       #"{"method":"raps","level":0.9,"scores":[0.5],"mc_samples":0,"seed":1,"raps_penalty":0,"raps_free_ranks":-1}"#: "rapsFreeRanks",
                       #"{"method":"lac","scores":[-0.5],"mc_samples":0,"seed":1}"#: "scores"]
        for (text, key) in refused {
            #expect {
                _ = try read(text)
            } throws: { error in
                guard case DecodingError.dataCorrupted(let context) = error else { return false }
                return context.codingPath.last?.stringValue == key
            }
        }
        #expect(try read(#"{"method":"cqr","level":0.9,"scores":[-0.5],"mc_samples":0,"seed":1}"#).scores == [-0.5])
    }
}
