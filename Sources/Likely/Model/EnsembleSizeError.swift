import Foundation

/// An ensemble whose members together would hold more weights than one network may
/// (`Sequential.maximumParameterCount`): M members of W weights each need M·W.
public struct EnsembleSizeError: Error, CustomStringConvertible {
    /// M, the members asked for.
    public var members: Int
    /// W, the weights of one member.
    public var weightsPerMember: Int

    /// Throws when M·W overflows or exceeds `Sequential.maximumParameterCount`.
    static func check(members: Int, weightsPerMember: Int) throws {
        let (total, overflow) = weightsPerMember.multipliedReportingOverflow(by: members)
        if overflow || total > Sequential.maximumParameterCount {
            throw EnsembleSizeError(members: members, weightsPerMember: weightsPerMember)
        }
    }

    public var description: String {
        let (total, overflow) = weightsPerMember.multipliedReportingOverflow(by: members)
        let amount = overflow ? "more than \(Int.max) numbers" : "\(total) numbers (\(NetworkSizeError.bytes(Double(total) * 4)))"
        let limit = Sequential.maximumParameterCount
        return "\(members) members of \(weightsPerMember) weights each would need \(amount) of weights; "
            + "at most \(limit) (\(NetworkSizeError.bytes(Double(limit) * 4))) are allowed in all — use fewer members or a smaller network"
    }
}
