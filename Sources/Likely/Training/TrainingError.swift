/// Why training stopped early: a non-finite loss or gradient, named by where it appeared.
public struct TrainingError: Error, CustomStringConvertible {
    /// The 1-based epoch.
    public var epoch: Int
    /// The 1-based batch within the epoch.
    public var batch: Int
    /// What was non-finite: `"loss"` or the parameter's name (`"gradient of 3.weight"`).
    public var quantity: String
    /// The offending value (NaN or ±∞).
    public var value: Float

    public var description: String {
        "non-finite \(quantity) (\(value)) at epoch \(epoch), batch \(batch); "
            + "try a lower learning rate, check the data for extreme values, or use --scale-link softplus"
    }
}
