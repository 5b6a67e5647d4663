import LikelyTensor

/// What a distribution family is, declared once in the family's own file
/// (`Distributions/Families/Name.swift`), like torch's `arg_constraints` and `support`: its
/// name, its parameters (each with a constraint, a default link and a raw width), the support
/// of its observations, and how it is built from parameter values.
///
/// Everything that depends on a family is derived from its declaration, with no per-family
/// switch elsewhere: a head's raw output count and links, the check of training targets,
/// the family names of `fit --family` and model files, and the parameter table of
/// `likely dist`. The families are listed once, in `Family.allCases` (`Family+All.swift`).
///
/// ```swift
/// extension Family {
///     public static let normal = Family(
///         name: "normal", support: .real,
///         parameters: [Parameter("loc", .real, link: .identity, role: .location),
///                      Parameter("scale", .positive, link: .exp, followsScaleLink: true, role: .scale)],
///         build: { p in ... Normal(loc: p["loc"].value, scale: p["scale"].value) })
/// }
/// ```
public struct Family: Sendable, CustomStringConvertible {
    /// The family's name on the command line (`--family`, `likely dist FAMILY`) and in model
    /// files: lowercase, stable across versions.
    public let name: String
    /// The observations it scores; training targets are checked against it.
    public let support: Support
    /// The parameters, in the order of a head's raw outputs.
    public let parameters: [Parameter]
    /// The distribution for parameter values (one tensor per parameter, in any of its forms);
    /// a family uses the stable form when it is given (ln σ for an exp-link scale, logits for
    /// a probability).
    public let build: @Sendable (ParameterValues) -> any UnivariateDistribution
    /// The distribution in Double for parameter values in Double (`Normal.Scalar`, …): what
    /// `likely dist` evaluates. nil for a family whose parameters are per component (a mixture
    /// density). Call it through `scalarDistribution(_:)`, which checks the domains.
    public let scalar: (@Sendable (ScalarParameters) -> any ScalarDistribution)?

    /// Declares a family. Parameter names must be distinct.
    public init(name: String, support: Support, parameters: [Parameter],
                build: @escaping @Sendable (ParameterValues) -> any UnivariateDistribution,
                scalar: (@Sendable (ScalarParameters) -> any ScalarDistribution)? = nil) {
        precondition(Set(parameters.map(\.name)).count == parameters.count,
                     "family \(name) declares a parameter twice: \(parameters.map(\.name))")
        self.name = name
        self.support = support
        self.parameters = parameters
        self.build = build
        self.scalar = scalar
    }

    /// A location–scale family on the real line: `loc` μ (`Parameter.location`), then `scale` σ
    /// (`Parameter.scale`), then `more`, in this order of raw outputs.
    static func locationScale(name: String, location: String, scale: String, more: [Parameter] = [],
                              build: @escaping @Sendable (ParameterValues) -> any UnivariateDistribution,
                              scalar: @escaping @Sendable (ScalarParameters) -> any ScalarDistribution) -> Family {
        Family(name: name, support: .real, parameters: [.location(location), .scale(scale)] + more, build: build, scalar: scalar)
    }

    /// The distribution in Double for `parameters` (every declared parameter, by name), or nil
    /// for a family without a scalar kernel. Stops with "<family> <parameter> must be
    /// <expectation>, got <value>" unless each value form satisfies its declared constraint.
    public func scalarDistribution(_ parameters: ScalarParameters) -> (any ScalarDistribution)? {
        guard let scalar else { return nil }
        for parameter in self.parameters {
            let (numbers, form) = parameters[parameter.name]
            guard form == .value else { continue }
            if let bad = numbers.first(where: { !parameter.constraint.contains($0) }) {
                preconditionFailure("\(name) \(parameter.name) must be \(parameter.constraint.expectation), got \(bad)")
            }
        }
        return scalar(parameters)
    }

    /// Stops with "<family> <parameter> must be <expectation>, got <value>" unless every
    /// element of `values` (NaN aside) is admitted by the declared constraint of the parameter
    /// `parameterName` (`Family.Constraint.admits`): the check of a distribution's
    /// initialiser, so a domain is stated once, in the declaration.
    func checkDomain(_ values: Tensor, _ parameterName: String, file: StaticString = #fileID, line: UInt = #line) {
        guard let parameter = parameters.first(where: { $0.name == parameterName }) else {
            preconditionFailure("family \(name) declares no parameter \(parameterName)", file: file, line: line)
        }
        let constraint = parameter.constraint
        Distributions.checkDomain(values, "\(name) \(parameterName)", constraint.expectation, { constraint.admits($0) },
                                  file: file, line: line)
    }

    /// `first` and `second` unchanged, once each is checked (`checkDomain`) against the family's
    /// first and second declared parameter: the initialiser of a two-parameter family,
    /// `(self.alpha, self.beta) = Family.beta.checked(alpha, beta)`.
    func checked(_ first: Tensor, _ second: Tensor, file: StaticString = #fileID, line: UInt = #line) -> (Tensor, Tensor) {
        precondition(parameters.count == 2, "family \(name) has \(parameters.count) parameters, not 2")
        checkDomain(first, parameters[0].name, file: file, line: line)
        checkDomain(second, parameters[1].name, file: file, line: line)
        return (first, second)
    }

    /// A readable description, as `print` shows it.
    public var description: String { name }

    /// The family named `name` (case-insensitive), or nil.
    public init?(named name: String) {
        guard let family = Family.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = family
    }

    /// The number of raw outputs a head needs: the sum of the parameters' widths.
    /// - Parameters:
    ///   - classCount: K of a per-class parameter.
    ///   - components: K of a per-component parameter.
    public func rawOutputCount(classCount: Int, components: Int) -> Int {
        parameters.reduce(0) { $0 + $1.width.count(classCount: classCount, components: components) }
    }

    /// Whether the location and scale follow an affine change y = a + b·z of the target, so a
    /// network can be trained on a standardized target and report in original units: a real
    /// support and a location parameter.
    public var isLocationScale: Bool {
        support == .real && parameters.contains { $0.role == .location }
    }

    /// Whether the family follows a change of units y = b·z of a positive target (a
    /// log-location shifted by ln b, a rate divided by b), so a network can be trained on
    /// targets divided by a stored positive scale b and report in original units: a positive
    /// support and a log-location or inverse-scale parameter (log-normal, gamma).
    public var isPositiveScale: Bool {
        support == .positive && parameters.contains { $0.role == .logLocation || $0.role == .inverseScale }
    }

    /// The parameter called `name`, or nil.
    public func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }
}

extension Family: Hashable {
    /// Families are the same when their names are.
    public static func == (a: Family, b: Family) -> Bool { a.name == b.name }
    /// Hashes the name.
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

extension Family: Codable {
    /// Decodes a family from its name; an unknown name is a `DecodingError` listing the known ones.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let family = Family(named: name) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown family \"\(name)\"; expected one of \(Family.allCases.map(\.name).joined(separator: ", "))")
        }
        self = family
    }

    /// Encodes the family as its name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
