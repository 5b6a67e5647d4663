/// Data handed to `fit` whose examples do not have the model's input shape: outside input,
/// so a thrown error rather than a precondition.
public struct DataShapeError: Error, CustomStringConvertible, Equatable {
    /// Which data ("the training data", "the validation data").
    public var role: String
    /// The shape of one of its examples.
    public var exampleShape: [Int]
    /// The model's per-example input shape.
    public var inputShape: [Int]

    /// The error of `role`'s examples of `exampleShape` for a model of `inputShape`.
    public init(role: String, exampleShape: [Int], inputShape: [Int]) {
        (self.role, self.exampleShape, self.inputShape) = (role, exampleShape, inputShape)
    }

    public var description: String {
        "\(role) has examples of shape \(exampleShape); the model takes inputs of shape \(inputShape)"
    }
}
