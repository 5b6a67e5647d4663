import Foundation
import Likely
import Testing

/// The CLI's families come from the declarations: `fit --family beta` end to end, and the
/// `likely dist` options of every declared parameter.
struct FamilyCLITests {
    /// n rows `x,y` with y ~ Beta(μφ, (1 − μ)φ), μ = σ(0.5 + 1.5x), φ = 12, and the mean NLL
    /// of the true parameters (from ln Γ, independently of the Beta family).
    static func betaTable(count: Int, seed: UInt64) -> (csv: String, trueNLL: Double) {
        var random = RandomSource(seed: seed)
        var csv = "x,y\n", nll = 0.0
        for _ in 0..<count {
            let x = -1 + 2 * random.uniform()
            let mu = 1 / (1 + exp(-(0.5 + 1.5 * x))), phi = 12.0
            let (a, b) = (mu * phi, (1 - mu) * phi)
            let drawn = Double(Beta(alpha: Tensor([Float(a)]), beta: Tensor([Float(b)])).sample(using: &random).scalars[0])
            let y = min(max(drawn, 1e-6), 1 - 1e-6)
            let text = String(format: "%.9g", y)
            let v = Double(text) ?? y
            csv += String(format: "%.9g,", x) + text + "\n"
            nll -= (a - 1) * log(v) + (b - 1) * log1p(-v) - (lgamma(a) + lgamma(b) - lgamma(a + b))
        }
        return (csv, nll / Double(count))
    }

    @Test func fitFamilyBetaReachesTheTrueLikelihood() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let train = try scratch.write("train.csv", Self.betaTable(count: 1500, seed: 1).csv)
        let (testCSV, trueNLL) = Self.betaTable(count: 1500, seed: 2)
        let test = try scratch.write("test.csv", testCSV)
        let model = scratch.path("beta-model")
        let fit = try CLI.run(["fit", train, "--out", model, "--family", "beta", "--hidden", "16", "--epochs", "30",
                               "--batch-size", "50", "--lr", "0.005", "--quiet"])
        #expect(fit.status == 0, "fit: \(fit.stderr)")
        let evaluate = try CLI.run(["evaluate", model, test, "--json"])
        #expect(evaluate.status == 0, "evaluate: \(evaluate.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as? [String: Any])
        let nll = try #require(report["nll"] as? Double)
        #expect(abs(nll - trueNLL) < 0.06, "test NLL \(nll), true parameters \(trueNLL)")
        let description = try String(contentsOfFile: scratch.path("beta-model/model.json"), encoding: .utf8)
        #expect(description.contains("\"family\" : \"beta\""))
    }

    @Test func fitFamilyBetaRejectsATargetOutsideTheOpenInterval() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("edge.csv", "x,share\n0.1,0.5\n0.2,1\n")
        let result = try CLI.run(["fit", data, "--out", scratch.path("m"), "--family", "beta", "--quiet"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("edge.csv") && result.stderr.contains("data row 2") && result.stderr.contains("\"share\" is 1.0")
                && result.stderr.contains("strictly between 0 and 1"), "\(result.stderr)")
    }

    @Test func distHasAnOptionForEveryDeclaredParameter() throws {
        let help = try CLI.run(["dist", "--help"])
        #expect(help.status == 0)
        for family in Family.allCases where family.parameters.allSatisfy({ $0.width != .perComponent }) {
            #expect(help.stdout.contains(family.name), "dist --help does not list \(family.name)")
            for parameter in family.parameters {
                #expect(help.stdout.contains("--\(parameter.optionName) <"), "dist has no --\(parameter.optionName) (\(family.name))")
                if let logit = parameter.logitName { #expect(help.stdout.contains("--\(logit) <")) }
            }
        }
        let wrong = try CLI.run(["dist", "beta", "--alpha", "2", "--beta", "3", "--loc", "1"])
        #expect(wrong.status == 2 && wrong.stderr.contains("--loc is not a parameter of beta; it takes --alpha, --beta"), "\(wrong.stderr)")
        let missing = try CLI.run(["dist", "negbinomial", "--probs", "0.3"])
        #expect(missing.status == 2 && missing.stderr.contains("negbinomial needs --total-count (> 0)"), "\(missing.stderr)")
    }

    @Test func fitFamilyChoicesAreTheDeclaredNames() throws {
        let help = try CLI.run(["fit", "--help"])
        #expect(help.status == 0)
        let wrong = try CLI.run(["fit", "nowhere.csv", "--out", "nowhere", "--family", "weibull"])
        #expect(wrong.status == 2)
        for family in Family.allCases { #expect(wrong.stderr.contains(family.name), "\(wrong.stderr)") }
    }

    @Test func modeOptionsCompleteFromTheirChoices() throws {
        // ArgumentParser builds the completions from the ExpressibleByArgument choices.
        let script = try CLI.run(["--generate-completion-script", "bash"])
        #expect(script.status == 0)
        let words = Family.allCases.map(\.name) + Architecture.allCases.map(\.rawValue) + ScaleLink.allCases.map(\.rawValue)
            + ["adam", "sgd", "rmsprop", "adagrad", "'train'$'\\n''test'", "sgemm_1024"]
        for word in words { #expect(script.stdout.contains(word), "no completion for \(word)") }
        let hidden = try CLI.run(["fit", "nowhere.csv", "--out", "nowhere", "--hidden", "50,0"])
        #expect(hidden.status == 2 && hidden.stderr.contains("--hidden") && hidden.stderr.contains("50,0"), "\(hidden.stderr)")
    }
}
