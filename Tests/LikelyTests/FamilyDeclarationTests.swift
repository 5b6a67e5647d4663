import Foundation
import Likely
import Testing

/// A head, its raw output count, its model-file name and its target check are all read from
/// the family's declaration; these tests hold each against what the documentation states
/// (docs/concepts.md's head table), built by hand from the families' initializers.
struct FamilyDeclarationTests {
    /// Raw outputs of 4 examples, drawn once; column j of row i is `raw[i][j]`.
    static func raw(_ width: Int, seed: UInt64 = 3) -> [[Float]] {
        var random = RandomSource(seed: seed)
        return (0..<4).map { _ in (0..<width).map { _ in Float(random.uniform() * 2 - 1) } }
    }

    static func column(_ rows: [[Float]], _ j: Int) -> Tensor { Tensor(rows.map { $0[j] }) }
    static func columns(_ rows: [[Float]], _ range: Range<Int>) -> Tensor {
        Tensor(shape: [rows.count, range.count], scalars: rows.flatMap { Array($0[range]) })
    }
    static func softplus(_ t: Tensor, floor: Float) -> Tensor { Tensor(t.scalars.map { Float(Foundation.log1p(Foundation.exp(Double($0)))) + floor }) }
    static func sigmoid(_ t: Tensor) -> Tensor { Tensor(t.scalars.map { 1 / (1 + Foundation.exp(-$0)) }) }
    static func exp(_ t: Tensor) -> Tensor { Tensor(t.scalars.map { Foundation.exp($0) }) }

    /// The documented construction of each head from raw outputs r (target scaling a + b·z).
    static func expected(_ family: Family, _ r: [[Float]], link: ScaleLink, a: Float, b: Float, temperature: Float) -> (any UnivariateDistribution)? {
        let c = { (j: Int) in column(r, j) }
        let positive = { (t: Tensor) in link == .exp ? exp(t) : softplus(t, floor: 1e-6) }
        let loc = Tensor(c(0).scalars.map { $0 * b + a })
        switch family.name {
        case "normal": return link == .exp ? Normal(loc: loc, logScale: Tensor(c(1).scalars.map { $0 + Float(Foundation.log(Double(b))) }))
                                           : Normal(loc: loc, scale: Tensor(positive(c(1)).scalars.map { $0 * b }))
        case "laplace": return Laplace(loc: loc, scale: Tensor(positive(c(1)).scalars.map { $0 * b }))
        case "studentt": return StudentT(df: softplus(c(2), floor: 1), loc: loc,
                                         scale: Tensor(positive(c(1)).scalars.map { $0 * b }))
        // Positive families under a change of units y = b·z: ln X's location + ln b, the rate / b.
        case "lognormal": return LogNormal(loc: Tensor(c(0).scalars.map { $0 + Float(Foundation.log(Double(b))) }), scale: positive(c(1)))
        case "gamma": return Gamma(concentration: positive(c(0)), rate: Tensor(positive(c(1)).scalars.map { $0 / b }))
        case "beta": return Beta(alpha: positive(c(0)), beta: positive(c(1)))
        case "poisson": return Poisson(rate: exp(c(0)))
        case "negbinomial": return NegativeBinomial(totalCount: positive(c(0)), probs: sigmoid(c(1)))
        case "zip": return ZeroInflatedPoisson(rate: exp(c(0)), gate: sigmoid(c(1)))
        case "bernoulli": return Bernoulli(probs: sigmoid(Tensor(c(0).scalars.map { $0 / temperature })))
        case "categorical": return Categorical(logits: Tensor(shape: [4, 3], scalars: r.flatMap { $0.map { $0 / temperature } }))
        case "mdn":
            let members = (0..<2).map { j in
                Normal(loc: Tensor(c(2 + j).scalars.map { $0 * b + a }), scale: Tensor(positive(c(4 + j)).scalars.map { $0 * b }))
            }
            return Mixture(components: members, logits: columns(r, 0..<2))
        default:
            Issue.record("no documented construction for \(family.name): add it from the docs/concepts.md head table")
            return nil
        }
    }

    /// Observations in each family's support, one per row.
    static func targets(_ family: Family) -> Tensor {
        switch family.support {
        case .real: Tensor([-1.5, 0.2, 0.9, 3])
        case .positive: Tensor([0.3, 1, 2.5, 0.05])
        case .openUnitInterval: Tensor([0.1, 0.5, 0.93, 0.3])
        case .counts: Tensor([0, 1, 4, 2])
        case .binary: Tensor([0, 1, 1, 0])
        case .classes: Tensor([0, 2, 1, 2])
        case .nonNegative, .unitInterval, .halfOpenUnitInterval, .simplex: Tensor([0, 0.5, 0.25, 1])
        }
    }

    @Test("every declared family's head builds the documented distribution", arguments: Family.allCases)
    func headMatchesTheDocumentedConstruction(family: Family) {
        for link in ScaleLink.allCases {
            for (a, b) in [(Float(0), Float(1)), (Float(2.5), Float(0.4))] {
                var head = Head(family, scaleLink: link, classCount: 3, components: 2)
                head.temperature = family.support.isClassification ? 1.7 : 1
                let r = Self.raw(head.rawOutputCount)
                let raw = Tensor(shape: [4, head.rawOutputCount], scalars: r.flatMap { $0 })
                let scaling = b == 1 ? nil : TargetScaling(mean: a, standardDeviation: b)
                let (shift, stretch) = family.isLocationScale ? (a, b) : (family.isPositiveScale ? (0, b) : (0, 1))
                guard let want = Self.expected(family, r, link: link, a: shift, b: stretch, temperature: head.temperature) else { return }
                let got = head.distribution(raw, scaling: scaling)
                let y = Self.targets(family)
                for (g, w) in zip(got.logProb(y).scalars, want.logProb(y).scalars) {
                    #expect(abs(g - w) <= 1e-5 * max(1, abs(w)), "\(family.name), \(link), scaling \(a), \(b): \(g) vs \(w)")
                }
            }
        }
    }

    @Test func rawOutputCountsAreTheDeclaredWidths() {
        let counts = Dictionary(uniqueKeysWithValues: Family.allCases.map { ($0.name, Head($0, classCount: 5, components: 4).rawOutputCount) })
        #expect(counts == ["normal": 2, "studentt": 3, "laplace": 2, "lognormal": 2, "gamma": 2, "beta": 2, "poisson": 1,
                           "negbinomial": 2, "zip": 2, "bernoulli": 1, "categorical": 5, "mdn": 12])
    }

    @Test func locationScaleFamiliesAreTheOnesWithARealLocation() {
        #expect(Family.allCases.filter(\.isLocationScale).map(\.name) == ["normal", "studentt", "laplace", "mdn"])
    }

    @Test func modelFilesNameTheFamilyAsBefore() throws {
        // The names written by earlier versions must keep loading.
        for name in ["normal", "studentt", "laplace", "lognormal", "gamma", "poisson", "negbinomial", "zip",
                     "bernoulli", "categorical", "mdn", "beta"] {
            let json = #"{"family":"\#(name)","scaleLink":"exp","classCount":2,"components":3,"temperature":1}"#
            let head = try JSONDecoder().decode(Head.self, from: Data(json.utf8))
            #expect(head.family.name == name)
            let encoded = String(decoding: try JSONEncoder().encode(head), as: UTF8.self)
            #expect(encoded.contains(#""family":"\#(name)""#))
        }
        let unknown = #"{"family":"weibull","scaleLink":"exp","classCount":2,"components":3,"temperature":1}"#
        #expect {
            try JSONDecoder().decode(Head.self, from: Data(unknown.utf8))
        } throws: { error in
            "\(error)".contains("unknown family \"weibull\"") && "\(error)".contains("negbinomial")
        }
    }

    @Test func targetsOutsideTheSupportNameTheRowAndTheValue() {
        func problem(_ family: Family, _ ys: [Float], classCount: Int? = nil) -> TargetError? {
            do { try family.checkTargets(Tensor(ys), classCount: classCount); return nil } catch { return error }
        }
        #expect(problem(.normal, [1, -2, 3e8]) == nil)
        #expect(problem(.normal, [1, .nan])?.description == "row 2: target nan; the normal family needs a finite number")
        #expect(problem(.gamma, [1, 0])?.description == "row 2: target 0.0; the gamma family needs a positive number")
        #expect(problem(.logNormal, [-1])?.problem == .value(index: 0, value: -1))
        #expect(problem(.beta, [0.5, 1])?.description == "row 2: target 1.0; the beta family needs a number strictly between 0 and 1")
        #expect(problem(.beta, [0.5, 0.999]) == nil)
        #expect(problem(.poisson, [0, 3, 2.5])?.description == "row 3: target 2.5; the poisson family needs a non-negative integer count")
        #expect(problem(.zeroInflatedPoisson, [-1])?.problem == .value(index: 0, value: -1))
        #expect(problem(.categorical, [0, 1, 3], classCount: 3)?.description
                == "row 3: target 3.0; the categorical family needs a class index in 0..<3")
        #expect(problem(.categorical, [0, 0])?.description == "the targets have 1 classes; the categorical family needs at least 2 classes")
        #expect(problem(.bernoulli, [0, 1, 2])?.problem == .classCount(count: 3, allowed: 2...2))
        #expect(problem(.bernoulli, [0, 1, 1]) == nil)
    }
}
