import Likely
import LikelyTensor
import Testing

/// The communicator of a run without mpirun, and the arithmetic that does not need processes.
struct DistributedSingleProcessTests {
    @Test func singleProcessCollectivesLeaveTheirArgumentsAlone() {
        let world = SingleProcessCommunicator()
        #expect(world.rank == 0 && world.size == 1 && world.isRoot && !world.isDistributed)

        var floats: [Float] = [1.5, -2, .greatestFiniteMagnitude]
        world.allreduceSum(&floats)
        #expect(floats == [1.5, -2, .greatestFiniteMagnitude])

        var doubles: [Double] = [0.25, 1e300]
        world.allreduceSum(&doubles)
        #expect(doubles == [0.25, 1e300])

        world.broadcast(&floats, from: 0)
        #expect(floats == [1.5, -2, .greatestFiniteMagnitude])
        var text = "row 3: expected a number"
        world.broadcast(&text, from: 0)
        #expect(text == "row 3: expected a number")

        #expect(world.gather([4, 5, 6], to: 0) == [[4, 5, 6]])
        #expect(world.firstFailure("bad file") == "bad file")
        #expect(world.firstFailure(nil) == nil)
        #expect(world.shard(of: 3..<10) == 3..<10)
        world.barrier()
    }

    @Test func singleProcessTensorCollectivesReturnTheirInputs() {
        let world = SingleProcessCommunicator()
        let gradients = [Tensor([[1, 2], [3, 4]]), Tensor([0.5])]
        let summed = world.allreduceSum(gradients)
        #expect(summed.count == 2 && summed[0] === gradients[0] && summed[1] === gradients[1])
        let averaged = world.allreduceMean(gradients)
        #expect(averaged[0] === gradients[0])
        world.broadcastValues(of: gradients, from: 0)
        #expect(gradients[0].scalars == [1, 2, 3, 4] && gradients[1].scalars == [0.5])
    }

    @Test func aRunWithoutMPIRunIsOneProcess() throws {
        // The test runner is not started by mpirun, so MPI must stay untouched.
        #expect(!ProcessGroup.isLaunchedByMPI)
        let world = try ProcessGroup.current()
        #expect(world is SingleProcessCommunicator)
        #expect(world.size == 1 && world.rank == 0)
    }

    @Test func shardsOfHandWorkedRanges() {
        // 10 among 3: 10 = 3·3 + 1, so rank 0 takes one extra.
        #expect((0..<10).shard(rank: 0, of: 3) == 0..<4)
        #expect((0..<10).shard(rank: 1, of: 3) == 4..<7)
        #expect((0..<10).shard(rank: 2, of: 3) == 7..<10)
        // 2 among 4: the last two ranks get empty slices at the end.
        #expect((5..<7).shard(rank: 0, of: 4) == 5..<6)
        #expect((5..<7).shard(rank: 1, of: 4) == 6..<7)
        #expect((5..<7).shard(rank: 2, of: 4) == 7..<7)
        #expect((5..<7).shard(rank: 3, of: 4) == 7..<7)
    }

    @Test func shardsTileEveryRangeInRankOrder() {
        for lower in [-3, 0, 5] {
            for count in 0...40 {
                let range = lower..<(lower + count)
                for size in 1...9 {
                    let slices = (0..<size).map { range.shard(rank: $0, of: size) }
                    #expect(slices.first?.lowerBound == range.lowerBound)
                    #expect(slices.last?.upperBound == range.upperBound)
                    for (a, b) in zip(slices, slices.dropFirst()) {
                        #expect(a.upperBound == b.lowerBound, "gap or overlap in \(range) among \(size)")
                    }
                    let lengths = slices.map(\.count)
                    #expect(lengths.reduce(0, +) == count)
                    #expect(lengths.max()! - lengths.min()! <= 1, "\(range) among \(size): \(lengths)")
                }
            }
        }
    }

    @Test func packingRoundTrips() {
        var random = RandomSource(seed: 20_240_610)
        let shapes: [[Int]] = [[2, 3], [5], [], [4, 1, 2], [0, 3], [1]]
        let tensors = shapes.map { Tensor.randomNormal($0, using: &random) }
        let packed = PackedTensors(tensors)
        #expect(packed.shapes == shapes)
        #expect(packed.buffer.count == 6 + 5 + 1 + 8 + 0 + 1)
        #expect(packed.buffer == tensors.flatMap(\.scalars))
        // Tensor 3 starts after 6 + 5 + 1 elements.
        #expect(packed.buffer[12] == tensors[3].scalars[0])

        let unpacked = PackedTensors(buffer: packed.buffer, shapes: packed.shapes).unpacked()
        #expect(unpacked.map(\.shape) == shapes)
        for (original, copy) in zip(tensors, unpacked) {
            #expect(copy.scalars == original.scalars)
            #expect(copy !== original)
        }
        #expect(PackedTensors([]).buffer.isEmpty && PackedTensors([]).unpacked().isEmpty)
    }
}
