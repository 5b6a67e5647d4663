import Foundation
import Likely
import Testing

/// The training topology: the one seam between `fit` and how work is divided among processes.
struct TrainingTopologyTests {
    /// A topology of one process that trains only the members it is given, counts the
    /// epoch ends and fills in the other members' histories as a gathering rank would.
    final class Recorder: TrainingTopology {
        let mine: [Int]
        var epochEnds = 0, gathered: [Int] = []
        init(mine: [Int]) { self.mine = mine }
        var sumsEveryStep: Bool { true }
        func trainedMembers(of count: Int) -> [Int] { mine }
        func endEpoch(of network: ProbabilisticModel) throws {
            #expect(network.memberCount == 1)
            epochEnds += 1
        }
        func gatherMembers(of model: ProbabilisticModel, histories: [History]) throws -> [History] {
            gathered = histories.map(\.epochs.count)
            return (0..<model.memberCount).map { j in mine.firstIndex(of: j).map { histories[$0] } ?? History() }
        }
    }

    static func options() -> TrainingOptions {
        var options = TrainingOptions()
        (options.epochs, options.batchSize, options.seed) = (2, 16, EnsembleTests.seed)
        return options
    }

    /// `fit` trains exactly the members the topology names, as each would be trained alone,
    /// calls its epoch end once per member epoch and returns what it gathers; the members it
    /// did not name keep their initial weights.
    @Test func fitTrainsTheMembersTheTopologyNames() throws {
        let head = Head(.normal), data = EnsembleTests.regression(64)
        let model = try EnsembleTests.ensemble(3, head: head)
        let initial = model.members.map { $0.namedTensors.map(\.tensor.scalars) }
        var options = Self.options()
        let recorder = Recorder(mine: [2])
        options.topology = recorder
        let history = try model.fit(data, options: options)
        #expect(recorder.epochEnds == 2 && recorder.gathered == [2])
        #expect(history.epochs.map(\.member) == [2, 2])
        #expect(model.members[0].namedTensors.map(\.tensor.scalars) == initial[0])
        #expect(model.members[1].namedTensors.map(\.tensor.scalars) == initial[1])

        let alone = try EnsembleTests.ensemble(3, head: head)
        try alone.fit(data, options: Self.options())
        #expect(model.members[2].namedTensors.map(\.tensor.scalars) == alone.members[2].namedTensors.map(\.tensor.scalars))
    }

    /// A gradient sum that doubles every buffer doubles the first Adam-free step: the topology's
    /// sum is what the optimizer sees.
    @Test func theOptimizerSeesTheTopologysGradientSum() throws {
        struct Doubling: TrainingTopology {
            var sumsEveryStep: Bool { true }
            func sumGradients(_ buffer: inout [Double]) throws { for i in buffer.indices { buffer[i] *= 2 } }
        }
        let data = EnsembleTests.regression(16)
        func firstStep(_ topology: any TrainingTopology) throws -> [Float] {
            let model = try EnsembleTests.ensemble(1, head: Head(.normal))
            let before = model.network.parameters.flatMap(\.tensor.scalars)
            var options = Self.options()
            (options.epochs, options.optimizer, options.topology) = (1, SGD(learningRate: 0.1), topology)
            try model.fit(data, options: options)
            return zip(model.network.parameters.flatMap(\.tensor.scalars), before).map { $0 - $1 }
        }
        let plain = try firstStep(SingleProcessTraining()), doubled = try firstStep(Doubling())
        #expect(plain.contains { $0 != 0 })
        for (a, b) in zip(plain, doubled) { #expect(abs(b - 2 * a) <= 1e-6 * max(1, abs(a))) }
    }

    /// An ensemble has no single network: asking for one stops, where a single network answers.
    @Test func anEnsembleHasNoSingleNetwork() async {
        await #expect(processExitsWith: .failure) {
            _ = try EnsembleTests.ensemble(2, head: Head(.normal)).network
        }
        await #expect(processExitsWith: .success) {
            _ = try EnsembleTests.ensemble(1, head: Head(.normal)).network
        }
    }
}
