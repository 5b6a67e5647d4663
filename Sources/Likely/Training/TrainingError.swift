/// Why training stopped early: a non-finite loss or gradient, named by where it appeared.
public struct TrainingError: Error, CustomStringConvertible {
    /// The 1-based epoch.
    public var epoch: Int
    /// The 1-based batch within the epoch.
    public var batch: Int
    /// What was non-finite: `"loss"` or the parameter's name (`"gradient of 3.weight"`).
    public var quantity: String
    /// The offending value (NaN or ±∞, or a finite value outside a parameter's constraint).
    public var value: Float
    /// For a finite value outside its parameter's constraint, what was expected (`in [0, 1)`);
    /// `nil` for a value that is not finite.
    public var expectation: String?

    /// - Parameters:
    ///   - epoch: the 1-based epoch.
    ///   - batch: the 1-based batch within it.
    ///   - quantity: `"loss"` or the parameter's name.
    ///   - value: the offending value.
    ///   - expectation: what a finite value outside its constraint should have been.
    public init(epoch: Int, batch: Int, quantity: String, value: Float, expectation: String? = nil) {
        self.epoch = epoch
        self.batch = batch
        self.quantity = quantity
        self.value = value
        self.expectation = expectation
    }

    /// The message, as `print` and the CLI show it.
    public var description: String {
        (expectation.map { "\(quantity) is \(value), expected \($0)," } ?? "non-finite \(quantity) (\(value))")
            + " at epoch \(epoch), batch \(batch); "
            + "try a lower learning rate, check the data for extreme values, or use --scale-link softplus"
    }
}
