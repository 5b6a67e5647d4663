import Foundation

/// The communicator of a job of one process: rank 0 of size 1, where every sum, broadcast
/// and barrier leaves its argument as it is. What a run started without `mpirun` uses.
public struct SingleProcessCommunicator: Communicator {
    /// Creates the one-process communicator.
    public init() {}

    /// Always 0.
    public var rank: Int { 0 }

    /// Always 1.
    public var size: Int { 1 }

    /// The sum over one rank: `buffer` unchanged.
    public func allreduceSum(_ buffer: inout [Float]) {}

    /// The sum over one rank: `values` unchanged.
    public func allreduceSum(_ values: inout [Double]) {}

    /// The only rank is the root: `buffer` unchanged.
    public func broadcast(_ buffer: inout [Float], from root: Int) {
        checkRoot(root)
    }

    /// The only rank is the root: `bytes` unchanged.
    public func broadcast(_ bytes: inout [UInt8], from root: Int) {
        checkRoot(root)
    }

    /// `[values]`: the one rank's contribution.
    public func gather(_ values: [Float], to root: Int) -> [[Float]] {
        checkRoot(root)
        return [values]
    }

    /// Returns at once.
    public func barrier() {}

    /// Exits this process (the whole job) with `code`, after flushing standard output.
    public func abort(code: Int32) -> Never {
        fflush(nil)  // every C stream; Swift 6 forbids touching the `stdout` global
        exit(code)
    }
}
