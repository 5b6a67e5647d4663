import ArgumentParser
import Foundation
import Likely

/// The FAMILY of `likely dist`: every declared family whose parameters are numbers or
/// per-class lists (a mixture-density head's per-component parameters are not).
struct DistFamily: ExpressibleByArgument {
    var family: Family

    static var all: [Family] { Family.allCases.filter { $0.parameters.allSatisfy { $0.width != .perComponent } } }

    init?(argument: String) {
        guard let family = Family(named: argument), DistFamily.all.contains(family) else { return nil }
        self.family = family
    }

    static var allValueStrings: [String] { all.map(\.name) }

    /// Every option the family accepts, by name without dashes: each parameter, and its logit form.
    static func options(of family: Family) -> [String] {
        family.parameters.flatMap { [$0.optionName] + ($0.logitName.map { [$0] } ?? []) }
    }

    /// "--loc, --scale"; "--probs or --logits" where a parameter has a logit form.
    static func parameterList(of family: Family) -> String {
        family.parameters.map { p in (["--" + p.optionName] + (p.logitName.map { ["--" + $0] } ?? [])).joined(separator: " or ") }
            .joined(separator: ", ")
    }

    /// The help of option `--name`: what it is in each family that takes it.
    static func help(_ name: String) -> ArgumentHelp {
        let uses = all.flatMap { family in
            family.parameters.compactMap { p -> String? in
                if p.optionName == name { return "\(family.name): \(p.summary), \(p.constraint.expectation)" }
                if p.logitName == name { return "\(family.name): instead of --\(p.optionName), its logit\(p.width == .one ? "" : "s (comma-separated)")" }
                return nil
            }
        }
        return ArgumentHelp(uses.joined(separator: "; ") + ".")
    }
}

/// A validated family and its parameters, with the distribution built from them.
struct DistSpec {
    typealias Echo = (name: String, value: [Double], isList: Bool)

    var family: Family
    /// The parameters as echoed in the JSON `params` object (in the family's order).
    var params: [Echo]
    var distribution: any UnivariateDistribution
    /// The member with unit location and scale that `logpdf`, `cdf` and `quantile` evaluate,
    /// and the map to it, applied in Double (see `Standardization`).
    var standard: (distribution: any UnivariateDistribution, map: Standardization)?

    init(command: DistCommand) throws {
        family = command.family.family
        let given = Dictionary(command.givenParameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let accepted = DistFamily.options(of: family)
        if let name = given.keys.sorted().first(where: { !accepted.contains($0) }) {
            throw DistInputError("--\(name) is not a parameter of \(family.name); it takes \(DistFamily.parameterList(of: family))")
        }
        var values = ParameterValues()
        params = []
        for parameter in family.parameters {
            let (echo, value) = try Self.read(parameter, of: family, given: given)
            params.append(echo)
            values[parameter.name] = value
        }
        distribution = family.build(values)
        standard = Self.standardMember(of: family, params: params)
    }

    /// One parameter from its option (or its logit form's): the echo and the value.
    static func read(_ parameter: Family.Parameter, of family: Family,
                     given: [String: String]) throws -> (Echo, ParameterValues.Value) {
        let isList = parameter.width == .perClass
        var text = given[parameter.optionName], name = parameter.name, isLogit = false
        if let logitName = parameter.logitName {
            let forms = isList ? "--\(parameter.optionName) P1,P2,... or --\(logitName) L1,L2,..."
                               : "--\(parameter.optionName) (\(parameter.constraint.expectation)) or --\(logitName)"
            guard (text == nil) != (given[logitName] == nil) else {
                throw DistInputError("\(family.name) needs exactly one of \(forms)")
            }
            if let logits = given[logitName] { (text, name, isLogit) = (logits, logitName, true) }
        }
        guard let text else {
            throw DistInputError("\(family.name) needs --\(parameter.optionName) (\(parameter.constraint.expectation))")
        }
        let option = "--" + (isLogit ? name : parameter.optionName)
        let numbers = isList ? try parseList(text, option: option) : [try parseNumber(text, option: option)]
        if !isLogit { try check(numbers, parameter.constraint, option: option) }
        let tensor = Tensor(numbers.map(Float.init))
        // The distributions compute in Float: 1e-300 becomes 0, 0.9999999999 becomes 1, 1e300 ∞.
        let domain = isLogit ? Family.Constraint.real : parameter.constraint
        if let (index, bad) = tensor.scalars.enumerated().first(where: { !domain.contains(Double($0.element)) }) {
            throw DistInputError("\(option): \(numbers[index]) is \(bad) in single precision, which is not \(domain.expectation)")
        }
        let value = isLogit ? ParameterValues.Value(value: { parameter.link.forward(tensor) }, logits: tensor)
                            : ParameterValues.Value(tensor)
        return ((name, numbers, isList), value)
    }

    /// Every value within the constraint; a simplex also sums to 1.
    static func check(_ numbers: [Double], _ constraint: Family.Constraint, option: String) throws {
        if constraint == .simplex {
            if let (index, bad) = numbers.enumerated().first(where: { !constraint.contains($0.element) }) {
                throw DistInputError("\(option): item \(index + 1), \(bad), is not a probability in [0, 1]")
            }
            let total = numbers.reduce(0, +)
            guard Swift.abs(total - 1) <= 1e-4 else {
                throw DistInputError("\(option): the class probabilities must sum to 1, got \(total)")
            }
        } else if let bad = numbers.first(where: { !constraint.contains($0) }) {
            throw DistInputError("\(option) must be \(constraint.expectation), got \(bad)")
        }
    }

    /// The member with location 0 and scale (or rate) 1, read from the parameters' roles, and
    /// the change of variable to it; nil for a family without a location or scale.
    static func standardMember(of family: Family, params: [Echo]) -> (distribution: any UnivariateDistribution, map: Standardization)? {
        var values = ParameterValues()
        var map: Standardization?
        var shift = 0.0, factor = 1.0
        for (parameter, echo) in zip(family.parameters, params) {
            var unit = echo.value
            switch parameter.role {
            case .location: shift = echo.value[0]; unit = [0]
            case .scale: factor = echo.value[0]; unit = [1]
            case .inverseScale: factor = 1 / echo.value[0]; unit = [1]
            case .logLocation: map = .logShift(echo.value[0]); unit = [0]
            case .classScore, .shape: break
            }
            let tensor = Tensor(unit.map(Float.init))
            values[parameter.name] = echo.name == parameter.name
                ? .init(tensor) : .init(value: { parameter.link.forward(tensor) }, logits: tensor)
        }
        let roles: [Family.Role] = [.location, .scale, .inverseScale]
        if map == nil && family.parameters.contains(where: { roles.contains($0.role) }) {
            map = .affine(shift: shift, factor: factor)
        }
        return map.map { (family.build(values), $0) }
    }

    /// Everything that was asked for, computed through the Distributions API. The points and
    /// probabilities stay in Double: each family's kernel reads them and returns its values in
    /// Double (`DoublePrecision`), so a log-density of −5·10⁵⁹ or a count beyond 2²⁴ is
    /// right, not rounded through Float.
    ///
    /// The distributions hold their parameters in Float. Where a parameter that is not
    /// standardized away (a rate, a shape, a count) is not exactly a Float (`--rate 1e12` is
    /// 999999995904), the points are rounded to Float as well, as the parameters were: a
    /// Double point against a rounded rate would misplace the point by the rounding (4096 at
    /// 10¹², 0.004 standard deviations).
    func evaluate(logpdf: [Double]?, cdf: [Double]?, quantile: [Double]?, sample: Int?, seed: UInt64) -> DistReport {
        let roles: [Family.Role] = standard == nil ? [] : [.location, .scale, .inverseScale, .logLocation]
        let exact = zip(family.parameters, params).allSatisfy { parameter, echo in
            roles.contains(parameter.role) || echo.value.allSatisfy { Double(Float($0)) == $0 }
        }
        let round = { (xs: [Double]) in exact ? xs : xs.map { Double(Float($0)) } }
        return withoutGradients {
            let d = distribution
            var random = RandomSource(seed: seed)
            var report = DistReport(
                family: family.name, params: params,
                mean: d.mean.scalars[0], variance: d.variance.scalars[0],
                entropy: (d as? any EntropyDistribution)?.entropy.scalars[0],
                logpdf: logpdf.map { xs in DoublePrecision.evaluate(round(xs)) { d.logProb($0) } },
                cdf: cdf.map { xs in DoublePrecision.evaluate(round(xs)) { d.cdf($0) } },
                quantile: quantile.map { ps in DoublePrecision.evaluate(ps) { d.quantile($0) } },
                sample: sample.map { d.sample(count: $0, using: &random).scalars })
            if let (unit, map) = standard {
                // The same family at unit location/scale, on points mapped in Double: Float32
                // parameters would otherwise lose (x − loc) to cancellation when |loc| ≫ scale.
                report.logpdf = logpdf.map { xs in
                    zip(xs, DoublePrecision.evaluate(round(xs.map(map.toStandard))) { unit.logProb($0) }).map { $1 - map.logJacobian($0) }
                }
                report.cdf = cdf.map { xs in DoublePrecision.evaluate(round(xs.map(map.toStandard))) { unit.cdf($0) } }
                report.quantile = quantile.map { ps in DoublePrecision.evaluate(ps) { unit.quantile($0) }.map(map.fromStandard) }
            }
            return report
        }
    }
}

/// The results of `likely dist`, as text or one JSON object.
struct DistReport {
    var family: String
    var params: [(name: String, value: [Double], isList: Bool)]
    var mean: Float
    var variance: Float
    var entropy: Float?
    var logpdf: [Double]?
    var cdf: [Double]?
    var quantile: [Double]?
    var sample: [Float]?

    /// A number for the text output (nan, inf, -inf as Swift prints them).
    static func format(_ x: Float) -> String { "\(x)" }

    static func format(_ x: Double) -> String { "\(x)" }

    /// One JSON object. A number that is not finite is `null`, with its reason under
    /// `"notes"` keyed by its JSON Pointer (`JSONNumbers`: e.g. `"/mean"`, `"/logpdf/2"`).
    var json: String {
        var notes: [(pointer: String, reason: String)] = []
        func number(_ x: Float, _ path: [String], reason: String? = nil) -> String {
            x.isFinite ? "\(x)" : JSONNumbers.number(Double(x), at: path, reason: reason, notes: &notes)
        }
        func number(_ x: Double, _ path: [String]) -> String { JSONNumbers.number(x, at: path, notes: &notes) }
        let paramFields = params.map { p in
            "\"\(p.name)\":" + (p.isList ? "[" + p.value.map { "\($0)" }.joined(separator: ",") + "]" : "\(p.value[0])")
        }
        var fields = ["\"family\":\"\(family)\"", "\"params\":{" + paramFields.joined(separator: ",") + "}",
                      "\"mean\":" + number(mean, ["mean"], reason: mean.isNaN ? "undefined: the mean does not exist for these parameters" : nil),
                      "\"variance\":" + number(variance, ["variance"], reason: variance.isNaN
                        ? "undefined: the variance does not exist for these parameters"
                        : (variance.isInfinite ? "+infinity: the variance diverges for these parameters" : nil))]
        if let entropy { fields.append("\"entropy\":" + number(entropy, ["entropy"])) }
        for (key, values) in [("logpdf", logpdf), ("cdf", cdf), ("quantile", quantile)] {
            guard let values else { continue }
            let items = values.enumerated().map { number($1, [key, "\($0)"]) }
            fields.append("\"\(key)\":[" + items.joined(separator: ",") + "]")
        }
        if let sample {
            fields.append("\"sample\":[" + sample.enumerated().map { number($1, ["sample", "\($0)"]) }.joined(separator: ",") + "]")
        }
        if let field = JSONNumbers.notesField(notes) { fields.append(field) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    var text: String {
        var lines = ["family: \(family)",
                     "params: " + params.map { "\($0.name)=" + $0.value.map(DistReport.format).joined(separator: ",") }.joined(separator: " "),
                     "mean: \(DistReport.format(mean))", "variance: \(DistReport.format(variance))"]
        if let entropy { lines.append("entropy: \(DistReport.format(entropy))") }
        for (key, values) in [("logpdf", logpdf), ("cdf", cdf), ("quantile", quantile)] {
            if let values { lines.append("\(key): " + values.map(DistReport.format).joined(separator: ", ")) }
        }
        if let sample { lines.append("sample: " + sample.map(DistReport.format).joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
