extension Communicator {
    /// Replaces `text` on every rank with the root's `text` (UTF-8 on the wire).
    public func broadcast(_ text: inout String, from root: Int) {
        var bytes = Array(text.utf8)
        broadcast(&bytes, from: root)
        text = String(decoding: bytes, as: UTF8.self)
    }

    /// Agrees on whether any rank failed: every rank passes its own failure message, or
    /// `nil`, and every rank gets back the message of the lowest-numbered failing rank, or
    /// `nil` when no rank failed. One allreduce of `size` flags and one broadcast.
    ///
    /// For failures that each rank can check before the next collective (reading its
    /// shard, validating arguments): afterwards every rank can stop the same way (exit 2
    /// with the same message, printed by rank 0). A failure seen by one rank while the
    /// others are already waiting in a collective needs `abort(code:)` instead.
    public func firstFailure(_ message: String?) -> String? {
        guard isDistributed else { return message }
        var flags = [Double](repeating: 0, count: size)
        if message != nil { flags[rank] = 1 }
        allreduceSum(&flags)
        guard let failing = flags.firstIndex(where: { $0 > 0 }) else { return nil }
        var text = rank == failing ? message ?? "" : ""
        broadcast(&text, from: failing)
        return text
    }
}
