import Foundation
import Likely
import Testing

/// Deep ensembles: M members from their own seed streams, the predictive their mixture.
struct EnsembleTests {
    static let seed: UInt64 = 21

    /// Member j built on its own, the way the ensemble initializer documents it: weights from
    /// (memberSeed(seed, j), `.initialization`).
    static func separateMember(_ j: Int, head: Head, dropout: Float = 0) throws -> ProbabilisticModel {
        var random = RandomSource(key: StreamKey(seed: ProbabilisticModel.memberSeed(seed, member: j), purpose: .initialization))
        let network = try Architecture.mlp.makeModel(inputShape: [3], hidden: [8], dropout: dropout,
                                                     outputs: head.rawOutputCount, using: &random)
        return ProbabilisticModel(network: network, head: head, inputShape: [3])
    }

    static func ensemble(_ m: Int, head: Head, dropout: Float = 0) throws -> ProbabilisticModel {
        try ProbabilisticModel(architecture: .mlp, inputShape: [3], head: head, hidden: [8], dropout: dropout,
                               members: m, seed: seed)
    }

    static func inputs(_ n: Int) -> Tensor {
        var random = RandomSource(seed: 9)
        return Tensor.randomNormal([n, 3], using: &random)
    }

    /// A small regression table: y = x₀ − 0.5 x₁ + noise.
    static func regression(_ n: Int) -> Dataset {
        let x = inputs(n)
        var random = RandomSource(seed: 10)
        var y: [Float] = []
        for i in 0..<n {
            let noise = Float(0.3 * random.normal())
            y.append(x.scalars[3 * i] - 0.5 * x.scalars[3 * i + 1] + noise)
        }
        return Dataset(features: x, targets: Tensor(shape: [n], scalars: y))
    }

    /// Resuming an ensemble from a directory without member 0's checkpoint (an empty one, or a
    /// single network's) is an error naming the directory, not a silent fresh fit.
    @Test func resumingWithoutAMemberCheckpointIsAnError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ensemble-resume-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = try Self.ensemble(2, head: Head(.normal))
        var options = TrainingOptions()
        options.epochs = 1
        options.seed = Self.seed
        #expect {
            try model.fit(Self.regression(40), options: options, resume: directory)
        } throws: { error in
            "\(error)".contains(directory) && "\(error)".contains("member_0")
        }
    }

    @Test func memberSeedsAreKeyedNotAdded() {
        #expect(ProbabilisticModel.memberSeed(5, member: 0) == 5)
        let seeds = (0..<4).map { ProbabilisticModel.memberSeed(5, member: $0) }
        #expect(Set(seeds).count == 4)
        // Not seed + j: seed 6's member 0 is not seed 5's member 1.
        #expect(ProbabilisticModel.memberSeed(5, member: 1) != 6)
        #expect(ProbabilisticModel.memberSeed(6, member: 1) != ProbabilisticModel.memberSeed(5, member: 2))
    }

    /// One member is the network built without the member API: same weights, same fit, same
    /// predictive, the same file bytes (no `members` key in model.json).
    @Test func oneMemberIsTheSingleNetwork() throws {
        let head = Head(.normal)
        let single = try Self.separateMember(0, head: head, dropout: 0.2)
        let one = try Self.ensemble(1, head: head, dropout: 0.2)
        #expect(one.memberCount == 1)
        #expect(one.parameters.map(\.name) == single.parameters.map(\.name))
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 16
        options.seed = Self.seed
        let data = Self.regression(64)
        let h1 = try single.fit(data, options: options)
        let h2 = try one.fit(data, options: options)
        #expect(h1.epochs.map(\.loss) == h2.epochs.map(\.loss))
        #expect(h2.epochs.allSatisfy { $0.member == nil })
        #expect(single.namedTensors.map(\.tensor.scalars) == one.namedTensors.map(\.tensor.scalars))
        let x = Self.inputs(5)
        #expect(single.predictiveRawOutputs(x, mcSamples: 3, seed: 4) == one.predictiveRawOutputs(x, mcSamples: 3, seed: 4))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ensemble-one-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try ModelDirectory.save(single, to: scratch + "/a")
        try ModelDirectory.save(one, to: scratch + "/b")
        for file in ["model.json", "weights.safetensors"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: scratch + "/a/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: scratch + "/b/" + file))
            #expect(a == b, "\(file) differs")
        }
        let json = try String(contentsOfFile: scratch + "/b/model.json", encoding: .utf8)
        #expect(!json.contains("\"members\""))
    }

    /// The ensemble's predictive is the equal-weight mixture of separately built members:
    /// its density at y is (1/M) Σⱼ N(y; μⱼ, σⱼ), averaged here by hand from each member's
    /// own mean and standard deviation; its mean and variance are the mixture's moments.
    @Test func regressionPredictiveIsTheHandAveragedMixture() throws {
        let head = Head(.normal), m = 3, n = 6
        let ensemble = try Self.ensemble(m, head: head)
        let x = Self.inputs(n)
        let separate = try (0..<m).map { try Self.separateMember($0, head: head) }
        let means = separate.map { $0.predictive(x).mean }
        let sds = separate.map { $0.predictive(x).aleatoricVariance.map { $0.squareRoot() } }
        let y = (0..<n).map { Float($0) * 0.4 - 1 }
        let predictive = ensemble.predictive(x)
        #expect(predictive.passes == m)
        let logLikelihood = predictive.logLikelihood(Tensor(shape: [n], scalars: y))
        for i in 0..<n {
            let density = (0..<m).reduce(0.0) { sum, j in
                let z = (Double(y[i]) - means[j][i]) / sds[j][i]
                return sum + Foundation.exp(-0.5 * z * z) / (sds[j][i] * (2 * Double.pi).squareRoot())
            } / Double(m)
            #expect(abs(Double(logLikelihood[i]) - Foundation.log(density)) <= 1e-4, "input \(i)")
            let mean = (0..<m).reduce(0.0) { $0 + means[$1][i] } / Double(m)
            var second = 0.0
            for j in 0..<m { second += (sds[j][i] * sds[j][i] + means[j][i] * means[j][i]) / Double(m) }
            #expect(abs(Double(predictive.mean[i]) - mean) <= 1e-4 * max(1, abs(mean)))
            #expect(abs(Double(predictive.totalVariance[i]) - (second - mean * mean)) <= 1e-3 * max(1, second))
            // the members disagree: the epistemic variance is the variance of their means
            var spread = 0.0
            for j in 0..<m { spread += (means[j][i] - mean) * (means[j][i] - mean) / Double(m) }
            #expect(spread > 0)
            #expect(abs(Double(predictive.epistemicVariance[i]) - spread) <= 1e-3 * max(spread, 1e-3))
        }
    }

    /// Classification: the mean probabilities are the members' softmax averaged by hand, and
    /// two deterministic members with different weights give mutual information
    /// H(p̄) − (1/M) Σⱼ H(pⱼ) > 0, which one network never has.
    @Test func classificationMixtureAndDisagreement() throws {
        let head = Head(.categorical, classCount: 4), n = 5
        let ensemble = try Self.ensemble(2, head: head)
        let x = Self.inputs(n)
        let members = try (0..<2).map { try Self.separateMember($0, head: head) }
        func softmax(_ z: ArraySlice<Float>) -> [Double] {
            let top = Double(z.max()!)
            let e = z.map { Foundation.exp(Double($0) - top) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        let logits = members.map { $0.predictiveRawOutputs(x)[0] }
        let p = logits.map { z in (0..<n).map { softmax(z[(4 * $0)..<(4 * $0 + 4)]) } }
        let uncertainty = ensemble.predictive(x).classification
        for i in 0..<n {
            let mean = (0..<4).map { k in (p[0][i][k] + p[1][i][k]) / 2 }
            for k in 0..<4 { #expect(abs(Double(uncertainty.meanProbabilities.scalars[4 * i + k]) - mean[k]) <= 1e-5) }
            func entropy(_ q: [Double]) -> Double { -q.reduce(0) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) } }
            let information = entropy(mean) - (entropy(p[0][i]) + entropy(p[1][i])) / 2
            #expect(information > 1e-6)
            #expect(abs(uncertainty.mutualInformation[i] - information) <= 1e-4)
        }
        #expect(members[0].predictive(x).classification.mutualInformation.allSatisfy { abs($0) <= 1e-6 })
    }

    /// With MC dropout the mixture has M · T members, member-major; member 0's passes are
    /// those of the single network with the same seed, member 1's those of member 1 alone
    /// with its member seed.
    @Test func mcDropoutPassesPerMember() throws {
        let head = Head(.normal), x = Self.inputs(4)
        let ensemble = try Self.ensemble(2, head: head, dropout: 0.3)
        let raw = ensemble.predictiveRawOutputs(x, mcSamples: 3, seed: 7)
        #expect(raw.count == 6)
        let first = try Self.separateMember(0, head: head, dropout: 0.3).predictiveRawOutputs(x, mcSamples: 3, seed: 7)
        let second = try Self.separateMember(1, head: head, dropout: 0.3)
            .predictiveRawOutputs(x, mcSamples: 3, seed: ProbabilisticModel.memberSeed(7, member: 1))
        #expect(Array(raw[0..<3]) == first)
        #expect(Array(raw[3..<6]) == second)
    }

    /// Fitting an ensemble fits each member as that member alone would be fitted with its
    /// member seed: the same weights, bit for bit, and each member's epochs in the history.
    @Test func fitTrainsEachMemberAsASingleFit() throws {
        let head = Head(.normal)
        let ensemble = try Self.ensemble(2, head: head, dropout: 0.2)
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 16
        options.seed = Self.seed
        let data = Self.regression(48)
        options.validation = .data(Self.regression(16))
        let history = try ensemble.fit(data, options: options)
        #expect(history.epochs.map(\.member) == [0, 0, 1, 1])
        #expect(history.keptEpochs == [2, 2])
        #expect(ProbabilisticModel.epochLine(history.epochs[2], of: 2).hasPrefix("member 1  epoch 1/2"))
        let alone = try Self.separateMember(1, head: head, dropout: 0.2)
        options.seed = ProbabilisticModel.memberSeed(Self.seed, member: 1)
        let single = try alone.fit(data, options: options)
        #expect(alone.network.namedTensors.map(\.tensor.scalars) == ensemble.members[1].namedTensors.map(\.tensor.scalars))
        #expect(single.epochs.map(\.loss) == history.epochs[2...].map(\.loss))
        #expect(ensemble.members[0].namedTensors.map(\.tensor.scalars) != ensemble.members[1].namedTensors.map(\.tensor.scalars))
    }

    /// Members trained at the same time (two workers, one core each) are the same bytes as
    /// members trained one after another with products free to use two threads, and as each
    /// member fitted alone: weights, epoch records (the seconds aside) and the predictive.
    @Test func membersTrainedTogetherAreTheMembersTrainedInTurn() throws {
        let head = Head(.normal)
        var options = TrainingOptions()
        (options.epochs, options.batchSize, options.seed) = (3, 16, Self.seed)
        options.validation = .data(Self.regression(16))
        options.earlyStopping = .init(patience: 1)
        let data = Self.regression(96)
        func trained(threads: Int, together: Bool) throws -> (ProbabilisticModel, History) {
            var options = options
            // A topology whose steps are collectives keeps members in turn.
            if !together { options.topology = CollectiveSteps() }
            let model = try Self.ensemble(3, head: head, dropout: 0.2)
            let history = try Parallel.withThreadCount(threads) { try model.fit(data, options: options) }
            return (model, history)
        }
        let (inTurn, turnHistory) = try trained(threads: 2, together: false)
        let (together, history) = try trained(threads: 2, together: true)
        let (alone, aloneHistory) = try trained(threads: 1, together: true)
        for model in [together, alone] {
            #expect(model.namedTensors.map(\.tensor.scalars) == inTurn.namedTensors.map(\.tensor.scalars))
        }
        for h in [history, aloneHistory] {
            #expect(h.epochs.map(\.member) == turnHistory.epochs.map(\.member))
            #expect(h.epochs.map(\.loss) == turnHistory.epochs.map(\.loss))
            #expect(h.epochs.map(\.validationNLL) == turnHistory.epochs.map(\.validationNLL))
            #expect(h.keptEpochs == turnHistory.keptEpochs)
        }
        var member = try Self.separateMember(2, head: head, dropout: 0.2)
        options.seed = ProbabilisticModel.memberSeed(Self.seed, member: 2)
        try member.fit(data, options: options)
        #expect(member.network.namedTensors.map(\.tensor.scalars) == together.members[2].namedTensors.map(\.tensor.scalars))
        // The predictive: members at the same time or in turn, the same bytes.
        let x = Self.inputs(130)
        let both = Parallel.withThreadCount(2) { together.predictiveRawOutputs(x, mcSamples: 4, seed: 5, chunkSize: 48) }
        let single = Parallel.withThreadCount(1) { together.predictiveRawOutputs(x, mcSamples: 4, seed: 5, chunkSize: 48) }
        #expect(both == single)
        member = together.member(2)
        let third = member.predictiveRawOutputs(x, mcSamples: 4, seed: ProbabilisticModel.memberSeed(5, member: 2))
        #expect(Array(both[8..<12]) == third)
    }

    static func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ensemble-\(UUID().uuidString)").path
    }

    /// Three members saved in one directory: model.json says `"members": 3`, the weights are
    /// prefixed `member_j.`, and the loaded model predicts the same bytes.
    @Test func saveAndLoadThreeMembers() throws {
        let ensemble = try Self.ensemble(3, head: Head(.normal), dropout: 0.2)
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try ModelDirectory.save(ensemble, to: directory)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/model.json"))) as? [String: Any]
        #expect(json?["members"] as? Int == 3)
        let loaded = try ModelDirectory.load(directory)
        #expect(loaded.memberCount == 3)
        #expect(loaded.namedTensors.map(\.name) == ensemble.namedTensors.map(\.name))
        #expect(loaded.namedTensors.map(\.name).contains("member_2.0.weight"))
        let x = Self.inputs(5)
        #expect(loaded.predictiveRawOutputs(x, mcSamples: 2, seed: 3) == ensemble.predictiveRawOutputs(x, mcSamples: 2, seed: 3))
    }

    /// A model.json whose `members` disagrees with the weights, or is out of range, is a
    /// `ModelFileError` naming the field.
    @Test(arguments: ["2", "5", "0", "-1", "100000"])
    func membersMismatchIsAClearError(members: String) throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try ModelDirectory.save(try Self.ensemble(3, head: Head(.normal)), to: directory)
        let path = directory + "/model.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"members\" : 3", with: "\"members\" : \(members)")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(text.contains("\"members\" : 3"))
        do {
            _ = try ModelDirectory.load(directory)
            Issue.record("members \(members) against 3 stored members loaded")
        } catch let error as ModelFileError {
            #expect("\(error)".contains("members"), "\(error)")
        }
    }

    /// An old single-network directory (no `members` key) loads as one member; a single
    /// network's weights under a model.json claiming two members are refused.
    @Test func singleNetworkFilesAndMemberClaims() throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try ModelDirectory.save(try Self.separateMember(0, head: Head(.normal)), to: directory)
        #expect(try ModelDirectory.load(directory).memberCount == 1)
        let path = directory + "/model.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"format\" :", with: "\"members\" : 2, \"format\" :")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.self) { try ModelDirectory.load(directory) }
    }

    /// Temperature scaling of an ensemble fits one T for the mixture of its members: the T
    /// that minimises the NLL of (1/M) Σⱼ softmax(zⱼ / T), here checked against a grid.
    @Test func temperatureIsFittedForTheMixture() throws {
        let head = Head(.categorical, classCount: 3), n = 60
        let ensemble = try Self.ensemble(2, head: head)
        let x = Self.inputs(n)
        // Labels that follow the ensemble's own top class 70% of the time: a finite best T.
        var random = RandomSource(seed: 30)
        let top = ensemble.predictive(x).classification.meanProbabilities.argmax(alongAxis: 1)
        let labels = (0..<n).map { i in random.uniform() < 0.7 ? Float(top[i]) : Float(Int(random.uniform() * 3) % 3) }
        let data = Dataset(features: x, targets: Tensor(shape: [n], scalars: labels))
        let t = Double(ensemble.calibrateTemperature(on: data))
        let logits = ensemble.members.indices.map { ensemble.member($0).predictiveRawOutputs(x)[0] }
        func nll(_ temperature: Double) -> Double {
            (0..<n).reduce(0.0) { total, i in
                let p = logits.reduce(0.0) { sum, z in
                    let row = (0..<3).map { Double(z[3 * i + $0]) / temperature }
                    let top = row.max()!
                    let denominator = row.reduce(0) { $0 + Foundation.exp($1 - top) }
                    return sum + Foundation.exp(row[Int(labels[i])] - top) / denominator
                } / Double(logits.count)
                return total - Foundation.log(p)
            } / Double(n)
        }
        let grid = stride(from: -3.0, through: 3.0, by: 0.01).map { Foundation.exp($0) }
        let best = grid.min { nll($0) < nll($1) }!
        #expect(abs(Foundation.log(t) - Foundation.log(best)) <= 0.02, "fitted \(t), grid \(best)")
    }
}

/// One process whose steps count as collectives: members train one after another.
private struct CollectiveSteps: TrainingTopology {
    var sumsEveryStep: Bool { true }
}
