import ArgumentParser
import Foundation
import Likely

/// The FAMILY of `likely dist`: every declared family with a scalar kernel in Double
/// (`Family.scalar`; a mixture density's per-component parameters have none).
struct DistFamily: ExpressibleByArgument {
    var family: Family

    static var all: [Family] { Family.allCases.filter { $0.scalar != nil } }

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

/// A validated family and its parameters, held in Double from the argument to the answer,
/// with the family's scalar kernel built from them.
struct DistSpec {
    typealias Echo = (name: String, value: [Double], isList: Bool)

    var family: Family
    /// The parameters as echoed in the JSON `params` object (in the family's order).
    var params: [Echo]
    /// The distribution in Double (`Family.scalarDistribution`).
    var distribution: any ScalarDistribution

    init(command: DistCommand) throws {
        family = command.family.family
        let given = Dictionary(command.givenParameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let accepted = DistFamily.options(of: family)
        if let name = given.keys.sorted().first(where: { !accepted.contains($0) }) {
            throw DistInputError("--\(name) is not a parameter of \(family.name); it takes \(DistFamily.parameterList(of: family))")
        }
        var values = ScalarParameters()
        params = []
        for parameter in family.parameters {
            let (echo, form) = try Self.read(parameter, of: family, given: given)
            params.append(echo)
            values.set(parameter.name, echo.value, form: form)
        }
        guard let distribution = family.scalarDistribution(values) else {
            throw DistInputError("\(family.name) cannot be evaluated alone; choose one of \(DistFamily.all.map(\.name).joined(separator: ", "))")
        }
        self.distribution = distribution
    }

    /// One parameter from its option (or its logit form's): the echo and the form it was given in.
    static func read(_ parameter: Family.Parameter, of family: Family,
                     given: [String: String]) throws -> (Echo, ScalarParameters.Form) {
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
        return ((name, numbers, isList), isLogit ? .logits : .value)
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

    /// Everything that was asked for, by the family's scalar kernel: parameters, points,
    /// probabilities and answers all in Double, so a rate of 10⁻³⁰⁰, a count of 10¹² + 1 or a
    /// log-density of −5·10⁵⁹ are what they are, never rounded through Float.
    func evaluate(logpdf: [Double]?, cdf: [Double]?, quantile: [Double]?, sample: Int?, seed: UInt64) -> DistReport {
        let d = distribution
        var random = RandomSource(seed: seed)
        return DistReport(
            family: family, params: params, mean: d.mean, variance: d.variance, entropy: d.entropy,
            finiteMoments: d.finiteMoments, logpdfPoints: logpdf,
            logpdf: logpdf.map { $0.map(d.logProb) }, cdf: cdf.map { $0.map(d.cdf) }, quantile: quantile.map { $0.map(d.quantile) },
            sample: sample.map { n in (0..<n).map { _ in d.sample(using: &random) } })
    }
}

/// The results of `likely dist`, as text or one JSON object.
struct DistReport {
    var family: Family
    var params: [(name: String, value: [Double], isList: Bool)]
    var mean: Double
    var variance: Double
    var entropy: Double
    /// Whether the mean and variance exist (`ScalarDistribution.finiteMoments`).
    var finiteMoments: (mean: Bool, variance: Bool)
    /// The points of `--logpdf` (for the reasons of −∞ values) and ln p at each.
    var logpdfPoints: [Double]?
    var logpdf: [Double]?
    var cdf: [Double]?
    var quantile: [Double]?
    var sample: [Double]?

    /// A number for the text output (nan, inf, -inf as Swift prints them).
    static func format(_ x: Double) -> String { "\(x)" }

    /// Why the mean or variance `x` is not a finite number: it does not exist, it diverges, or
    /// it is finite but beyond the range of a Double.
    static func momentReason(_ x: Double, _ name: String, exists: Bool) -> String? {
        if x.isFinite { return nil }
        if x.isNaN { return "undefined: the \(name) does not exist for these parameters" }
        if !exists { return "+infinity: the \(name) diverges for these parameters" }
        return "\(x > 0 ? "+" : "-")infinity in Double: the \(name) is finite but beyond ±1.8e308, the range of a Double"
    }

    /// Why ln p(x) is −∞: x is outside the family's support, or inside it where the
    /// probability is 0 or the log-density is below the range of a Double.
    func logpdfReason(_ x: Double, _ value: Double) -> String? {
        guard value == -.infinity else { return nil }
        let classes = params.first { $0.isList }?.value.count ?? 2
        if !family.support.contains(x, classCount: classes) { return "-infinity: \(x) is outside the support (\(family.support.expectation(classCount: classes)))" }
        return "-infinity: zero probability at \(x), or a log-density below −1.8e308, the range of a Double"
    }

    /// One JSON object. A number that is not finite is `null`, with its reason under
    /// `"notes"` keyed by its JSON Pointer (`JSONNumbers`: e.g. `"/mean"`, `"/logpdf/2"`).
    var json: String {
        var notes: [(pointer: String, reason: String)] = []
        func number(_ x: Double, _ path: [String], reason: String? = nil) -> String {
            JSONNumbers.number(x, at: path, reason: reason, notes: &notes)
        }
        let paramFields = params.map { p in
            "\"\(p.name)\":" + (p.isList ? "[" + p.value.map { "\($0)" }.joined(separator: ",") + "]" : "\(p.value[0])")
        }
        var fields = ["\"family\":\"\(family.name)\"", "\"params\":{" + paramFields.joined(separator: ",") + "}",
                      "\"mean\":" + number(mean, ["mean"], reason: Self.momentReason(mean, "mean", exists: finiteMoments.mean)),
                      "\"variance\":" + number(variance, ["variance"], reason: Self.momentReason(variance, "variance", exists: finiteMoments.variance)),
                      "\"entropy\":" + number(entropy, ["entropy"])]
        if let logpdf, let points = logpdfPoints {
            let items = zip(points, logpdf).enumerated().map { number($1.1, ["logpdf", "\($0)"], reason: logpdfReason($1.0, $1.1)) }
            fields.append("\"logpdf\":[" + items.joined(separator: ",") + "]")
        }
        for (key, values) in [("cdf", cdf), ("quantile", quantile), ("sample", sample)] {
            guard let values else { continue }
            let items = values.enumerated().map { number($1, [key, "\($0)"]) }
            fields.append("\"\(key)\":[" + items.joined(separator: ",") + "]")
        }
        if let field = JSONNumbers.notesField(notes) { fields.append(field) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    var text: String {
        var lines = ["family: \(family.name)",
                     "params: " + params.map { "\($0.name)=" + $0.value.map(DistReport.format).joined(separator: ",") }.joined(separator: " "),
                     "mean: \(DistReport.format(mean))", "variance: \(DistReport.format(variance))",
                     "entropy: \(DistReport.format(entropy))"]
        for (key, values) in [("logpdf", logpdf), ("cdf", cdf), ("quantile", quantile), ("sample", sample)] {
            if let values { lines.append("\(key): " + values.map(DistReport.format).joined(separator: ", ")) }
        }
        return lines.joined(separator: "\n")
    }
}
