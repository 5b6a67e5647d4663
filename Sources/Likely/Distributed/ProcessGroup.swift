import CMPI

/// Chooses this process's communicator: MPI when started by `mpirun`, one process otherwise.
///
/// Without `mpirun` nothing of MPI is touched: libmpi is not even loaded (it is opened with
/// `dlopen` on first use under `mpirun`), so a plain run starts as fast as before and prints
/// nothing. Under `mpirun` the first call initialises MPI once for the whole process; MPI is
/// finalised when the process exits normally.
public enum ProcessGroup {
    /// Whether the environment says this process was started by `mpirun` (Open MPI sets
    /// `OMPI_COMM_WORLD_SIZE`; PMIx launchers set `PMIX_RANK`). Reads only the environment.
    public static var isLaunchedByMPI: Bool { likely_mpi_launched() != 0 }

    /// This process's communicator, the same one on every call.
    /// - Throws: `CommunicatorError` when started by `mpirun` but MPI cannot be loaded or
    ///   initialised (the message says why); a run without `mpirun` never throws.
    public static func current() throws(CommunicatorError) -> any Communicator {
        try world.get()
    }

    /// Initialised once, on first use, thread-safely (a static `let`).
    private static let world: Result<any Communicator, CommunicatorError> = {
        guard isLaunchedByMPI else { return .success(SingleProcessCommunicator()) }
        var message = [CChar](repeating: 0, count: 1024)
        let status = message.withUnsafeMutableBufferPointer {
            likely_mpi_initialize($0.baseAddress, $0.count)
        }
        guard status == 0 else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(CommunicatorError(message: text))
        }
        return .success(MPICommunicator())
    }()
}
