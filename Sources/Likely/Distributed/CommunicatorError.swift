/// Why a process started by `mpirun` could not join its job.
public struct CommunicatorError: Error, CustomStringConvertible {
    /// What went wrong, from the MPI layer (`libmpi` not found, `MPI_Init_thread` failed).
    public var message: String

    /// Creates the error from its message.
    public init(message: String) {
        self.message = message
    }

    /// The message, as `print` and the CLI show it.
    public var description: String { "MPI: \(message)" }
}
