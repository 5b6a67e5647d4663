import ArgumentParser
import Foundation
import Likely

/// `likely sample`: draws from each input's predictive distribution.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw samples from the predictive distribution of each input (one CSV row per input).",
        discussion: """
            Columns draw_0 … draw_{N-1}. With --mc-samples T > 0 each draw comes from the mixture of \
            the T MC-dropout members. Classification draws are class indices. The same --seed gives \
            the same draws.
            """)

    @OptionGroup var common: ModelDataOptions

    @Option(parsing: .unconditional, help: "Draws per input.")
    var draws: Int

    @OptionGroup var table: TableOutput

    func validate() throws {
        try common.check()
        try OptionCheck.require(draws, in: 1...100_000, "--draws")
        _ = try table.keptColumns()
    }

    func run() throws {
        try validate()
        try table.checkOut(common.outputPaths)
        let model = try ModelDirectory.load(common.modelDirectory)
        let kept = try table.keptColumns()
        let data = try common.load(common.data, for: model, needTargets: false, keep: kept)
        common.noteUnseen(data)
        guard data.count * draws <= 100_000_000 else {
            throw InputError("--draws \(draws) for \(data.count) inputs makes \(data.count * draws) numbers; at most 100000000")
        }
        let world = try ProcessGroup.current()
        let method = try common.method(for: model)
        try world.agree(on: common.fingerprint(data, model: model))
        guard let predictive = model.predictive(data.features, method: method, seed: common.seed, over: world) else { return }
        var random = RandomSource(key: StreamKey(seed: common.seed, purpose: .sampling))
        let samples = predictive.sample(draws: draws, using: &random).scalars
        let n = data.count
        let discrete = model.head.family.support.isDiscrete
        var lines = [(0..<draws).map { "draw_\($0)" }.joined(separator: ",")]
        lines.reserveCapacity(n + 1)
        for i in 0..<n {
            lines.append((0..<draws).map { d in
                let x = samples[d * n + i]
                return discrete && Swift.abs(x) < 1e15 ? String(Int(x)) : number(x)
            }.joined(separator: ","))
        }
        try emit(try KeptColumns.prepend(kept, cells: data.keptCells, to: lines), to: table.out)
    }
}
