import Foundation

/// The ranks of a job disagree on what they were given (their data or options): every rank
/// throws it, with the same message, before any work.
public struct RankDisagreement: Error, CustomStringConvertible {
    /// Which rank differs from rank 0, and how.
    public var message: String

    /// The message, as the CLI prints it.
    public var description: String { message }
}

extension Communicator {
    /// Checks, before any work, that every rank was given what rank 0 was: each rank compares
    /// its own `fingerprint` (of its data and options) with rank 0's, broadcast as JSON, and
    /// the ranks then agree on the first rank that differs (`firstFailure`), so that all of
    /// them stop together instead of hanging in a collective or mixing different data.
    /// - Parameters:
    ///   - fingerprint: this rank's value; every rank calls this with its own.
    ///   - differences: what differs between two values, the first argument's side first
    ///     (`[]` when they agree).
    /// - Throws: `RankDisagreement` on every rank when any rank differs from rank 0, naming
    ///   the lowest such rank and its differences; nothing with one process.
    public func agree<Fingerprint: Codable>(on fingerprint: Fingerprint,
                                             differences: (Fingerprint, Fingerprint) -> [String]) throws {
        guard isDistributed else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var bytes = isRoot ? Array((try? encoder.encode(fingerprint)) ?? Data()) : []
        broadcast(&bytes, from: 0)
        var problem: String?
        if !isRoot {
            if let root = try? JSONDecoder().decode(Fingerprint.self, from: Data(bytes)) {
                let found = differences(root, fingerprint)
                if !found.isEmpty {
                    problem = "rank \(rank) of \(size) was not given what rank 0 was: " + found.joined(separator: "; ")
                        + " (rank 0's first); every rank of an mpirun job must get the same data and options"
                }
            } else {
                problem = "rank \(rank) of \(size) cannot read rank 0's fingerprint of its data and options"
            }
        }
        if let message = firstFailure(problem) { throw RankDisagreement(message: message) }
    }
}
