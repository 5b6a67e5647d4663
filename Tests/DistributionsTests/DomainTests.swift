import Distributions
import LikelyTensor
import Testing

/// A distribution's initialiser checks its arguments against the constraint its family's
/// declaration gives each parameter (`Family.checkDomain`), so each domain is stated once.
@Suite struct DomainTests {
    /// Hand-worked edges of each constraint: the closed and open ends, and the +∞ of an
    /// overflowing link that positive and non-negative parameters accept.
    @Test func constraintsAdmitTheirEdgesAndTheLinksInfiniteLimit() {
        typealias C = Family.Constraint
        let cases: [(constraint: C, admitted: [Float], refused: [Float])] = [
            (C.real, [-1e30, 0, Float.infinity, -Float.infinity], []),
            (C.positive, [1e-30, 1, Float.infinity], [0, -1, -Float.infinity]),
            (C.nonNegative, [0, 1, Float.infinity], [-1e-30, -Float.infinity]),
            (C.unitInterval, [0, 0.5, 1], [-1e-7, 1.0000001, Float.infinity]),
            (C.halfOpenUnitInterval, [0, 0.9999999], [1, -1e-7]),
            (C.simplex, [0, 1], [-0.1, 1.5]),
        ]
        for (constraint, admitted, refused) in cases {
            for x in admitted { #expect(constraint.admits(x), "\(constraint) should admit \(x)") }
            for x in refused { #expect(!constraint.admits(x), "\(constraint) should refuse \(x)") }
        }
    }

    /// Observations use the same `Domain` as parameters: hand-worked members and non-members
    /// of each support, the class bound included.
    @Test func supportsContainTheirObservations() {
        typealias D = Family.Domain
        let cases: [(domain: D, classCount: Int?, inside: [Double], outside: [Double])] = [
            (.real, nil, [-1e300, 0], [.infinity, .nan]),
            (.positive, nil, [1e-300, 5], [0, -1]),
            (.openUnitInterval, nil, [1e-300, 0.5, 0.9999999], [0, 1]),
            (.counts, nil, [0, 3, 1e15], [2.5, -1, .infinity]),
            (.binary, nil, [0, 1], [2, 0.5, -1]),
            (.classes, 3, [0, 2], [3, 1.5, -1]),
            (.classes, nil, [0, 7], [0.5]),
        ]
        for (domain, k, inside, outside) in cases {
            for x in inside { #expect(domain.contains(x, classCount: k), "\(domain) should contain \(x)") }
            for x in outside { #expect(!domain.contains(x, classCount: k), "\(domain) should not contain \(x)") }
        }
    }

    /// Every family builds from values at its declared edges (0 where it is admitted, +∞ for
    /// positive parameters): the initialisers accept what the declaration admits.
    @Test func everyFamilyAcceptsTheEdgesItsDeclarationAdmits() {
        for family in Family.allCases {
            var values: [String: ParameterValues.Value] = [:]
            for parameter in family.parameters {
                let width = parameter.width == .one ? 1 : 3
                let x: Float = switch parameter.constraint {
                case .real: 0
                case .positive: .infinity
                case .nonNegative, .unitInterval, .halfOpenUnitInterval, .counts, .binary, .classes: 0
                case .openUnitInterval: 0.5
                case .simplex: 1 / Float(width)
                }
                let shape = parameter.width == .one ? [2] : [2, width]
                values[parameter.name] = ParameterValues.Value(Tensor(shape: shape, scalars: [Float](repeating: x, count: 2 * width)))
            }
            _ = family.build(ParameterValues(values))
        }
    }

    /// A value outside the declared domain stops the process (the message, with the family,
    /// parameter and expectation, shows in debug builds; optimised builds drop precondition
    /// messages), while the same call inside the domain returns.
    @Test func aValueOutsideTheDeclaredDomainStops() async {
        await #expect(processExitsWith: .failure) {
            _ = Gamma(concentration: Tensor([1, -2]), rate: Tensor([1, 1]))
        }
        await #expect(processExitsWith: .success) {
            _ = Gamma(concentration: Tensor([1, 2]), rate: Tensor([1, 1]))
        }
    }
}
