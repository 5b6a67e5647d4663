// likely-mpi-probe: exercises the communicator with known values, for LikelyTests'
// Distributed suite (run directly, or by `mpirun -np 2`). Modes:
//
//   collectives        every rank prints one JSON line with what each collective returned
//   abort CODE         the last rank aborts with CODE while the others wait in a barrier
//   bench COUNT REPS   rank 0 prints the mean and best seconds of one allreduce of COUNT floats
//   fit                trains a small MLP data-parallel (no dropout); rank 0 prints its weights
import Foundation
import Likely

/// What one rank saw; the test decodes the same keys.
struct Report: Codable {
    var rank: Int
    var size: Int
    var libmpiLoaded: Bool
    var allreduceFloat: [Float]
    var allreduceDouble: [Double]
    var broadcastFloat: [Float]
    var broadcastText: String
    var gathered: [[Float]]
    var shard: [Int]
    var tensorSum: [Float]
    var tensorShapes: [[Int]]
    var broadcastWeights: [Float]
    var firstFailure: String?
    var noFailure: String?
}

/// Whether libmpi is mapped into this process (it must not be without mpirun).
func libmpiLoaded() -> Bool {
    // /proc files report size 0, so read until end of file rather than by size.
    guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps"),
          let data = try? handle.readToEnd() else { return false }
    return String(decoding: data, as: UTF8.self).contains("libmpi.so")
}

/// One whole line on standard output in one write, so ranks' lines never interleave.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func collectives(_ world: any Communicator) throws {
    let r = world.rank
    var floats: [Float] = [Float(r + 1), Float(10 * (r + 1)), 0.5, Float(-r), 1e6]
    world.allreduceSum(&floats)

    var doubles: [Double] = [Double(r) + 0.25, 1]
    world.allreduceSum(&doubles)

    // Root 1 (the last rank when size is 1 is rank 0): a length the others do not know.
    let root = world.size - 1
    var broadcastFloat: [Float] = r == root ? [7, 8, 9] : []
    world.broadcast(&broadcastFloat, from: root)

    var text = r == 0 ? "bad input: ünïcode file.csv, row 3" : "not this"
    world.broadcast(&text, from: 0)

    // Rank r sends r + 1 values 10(r+1) + i.
    let mine = (0...r).map { Float(10 * (r + 1) + $0) }
    let gathered = world.gather(mine, to: 0)

    let slice = world.shard(of: 3..<10)

    // Two "gradients": rank r contributes (r + 1) × [1 2 3; 4 5 6] and (r + 1) × [0.5, -1, 2].
    let scale = Float(r + 1)
    let gradients = [Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6].map { $0 * scale }),
                     Tensor(shape: [3], scalars: [0.5, -1, 2].map { $0 * scale })]
    let summed = world.allreduceSum(gradients)

    // Every rank has its own "initial weights"; after the broadcast all hold rank 0's.
    let weights = [Tensor(shape: [2], scalars: [Float(r) + 100, Float(r) + 200]),
                   Tensor(shape: [1, 1], scalars: [Float(r) - 5])]
    world.broadcastValues(of: weights, from: 0)

    let failure = world.firstFailure(r == root ? "rank \(r) could not read shard.csv" : nil)
    let none = world.firstFailure(nil)
    world.barrier()

    let report = Report(
        rank: r, size: world.size, libmpiLoaded: libmpiLoaded(),
        allreduceFloat: floats, allreduceDouble: doubles,
        broadcastFloat: broadcastFloat, broadcastText: text, gathered: gathered,
        shard: [slice.lowerBound, slice.upperBound],
        tensorSum: summed.flatMap(\.scalars), tensorShapes: summed.map(\.shape),
        broadcastWeights: weights.flatMap(\.scalars),
        firstFailure: failure, noFailure: none)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    emit(String(decoding: try encoder.encode(report), as: UTF8.self))
}

func abortDemo(_ world: any Communicator, code: Int32) -> Never {
    if world.rank == world.size - 1 {
        FileHandle.standardError.write(Data("rank \(world.rank): aborting with \(code)\n".utf8))
        world.abort(code: code)
    }
    world.barrier()  // never completes: the last rank does not come
    emit("rank \(world.rank) passed a barrier it should never pass")
    exit(0)
}

func bench(_ world: any Communicator, count: Int, repetitions: Int) {
    var buffer = [Float](repeating: 1, count: count)
    world.allreduceSum(&buffer)  // warm-up: connections are set up on first use
    world.barrier()
    var times = [Double]()
    for _ in 0..<repetitions {
        let start = DispatchTime.now().uptimeNanoseconds
        world.allreduceSum(&buffer)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    var total = [times.reduce(0, +)]
    world.allreduceSum(&total)
    if world.isRoot {
        let mean = total[0] / Double(repetitions * world.size)
        emit("{\"floats\":\(count),\"processes\":\(world.size),\"mean_s\":\(mean),\"best_s\":\(times.min() ?? 0)}")
    }
}

/// Data-parallel training of a 2-16-16-2 Normal MLP on seeded data, with dropout `rate` after
/// each hidden layer and global batches of 32 cut into micro-batches of `microBatch` rows:
/// the weights must not depend on the number of processes (nor, beyond float rounding, on
/// the micro-batch size).
func fitDemo(_ world: any Communicator, dropout rate: Float, microBatch: Int) throws {
    var random = RandomSource(seed: 31)
    let x = Tensor.randomNormal([300, 2], using: &random)
    let y = Tensor((0..<300).map { x.scalars[2 * $0] * x.scalars[2 * $0 + 1] + Float(random.normal(standardDeviation: 0.2)) })
    var initial = RandomSource(seed: UInt64(7 + world.rank))  // different per rank: the broadcast must fix it
    let model = try ProbabilisticModel(architecture: .mlp, inputShape: [2], head: Head(.normal), hidden: [16, 16],
                                       dropout: rate, using: &initial)
    model.broadcastWeights(over: world)
    var options = TrainingOptions()
    options.epochs = 3
    options.batchSize = 32
    options.microBatchSize = microBatch
    options.seed = 5
    options.distribute(over: world)
    try model.fit(Dataset(features: x, targets: y), options: options)
    if world.isRoot {
        emit("[" + model.parameters.flatMap(\.tensor.scalars).map { "\($0)" }.joined(separator: ",") + "]")
    }
}

/// The MC-dropout predictive of a residual table network with a Dropout inside its block and
/// one after it, computed by all processes (`chunk` inputs per forward pass): rank 0 prints
/// every member's means and variances.
func predictResidual(_ world: any Communicator, chunk: Int) throws {
    var random = RandomSource(seed: 12)
    let block = try ResidualBlock(inputShape: [8], body: Sequential {
        Dense(inputSize: 8, outputSize: 8, using: &random); ReLU(); Dropout(rate: 0.3)
    }, using: &random)
    let network = Sequential(inputShape: [3]) {
        Dense(inputSize: 3, outputSize: 8, using: &random); ReLU(); block; Dropout(rate: 0.4)
        Dense(inputSize: 8, outputSize: 2, using: &random)
    }
    let model = ProbabilisticModel(network: network, head: Head(.normal), inputShape: [3])
    let x = Tensor.randomNormal([41, 3], using: &random)
    let predictive: Predictive?
    if world.isDistributed {
        predictive = model.predictive(x, mcSamples: 6, seed: 9, over: world)
    } else {
        predictive = model.predictive(x, mcSamples: 6, seed: 9, chunkSize: chunk)
    }
    if let predictive {
        let values = predictive.members.flatMap { $0.mean.scalars + $0.variance.scalars }
        emit("[" + values.map { "\($0)" }.joined(separator: ",") + "]")
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    let world = try ProcessGroup.current()
    switch arguments.first {
    case "collectives":
        try collectives(world)
    case "abort":
        abortDemo(world, code: Int32(arguments.dropFirst().first ?? "3") ?? 3)
    case "fit":
        // fit [DROPOUT [MICROBATCH]]
        let rest = arguments.dropFirst()
        try fitDemo(world, dropout: rest.first.flatMap(Float.init) ?? 0,
                    microBatch: rest.dropFirst().first.flatMap(Int.init) ?? 64)
    case "predict-residual":
        try predictResidual(world, chunk: arguments.dropFirst().first.flatMap(Int.init) ?? 1000)
    case "bench":
        let rest = arguments.dropFirst().compactMap { Int($0) }
        bench(world, count: rest.first ?? 127_000, repetitions: rest.dropFirst().first ?? 100)
    default:
        FileHandle.standardError.write(Data("usage: LikelyMPIProbe collectives | abort CODE | bench COUNT REPS | fit [DROPOUT [MICROBATCH]] | predict-residual [CHUNK]\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}
