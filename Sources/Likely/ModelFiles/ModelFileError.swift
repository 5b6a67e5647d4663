/// A model file that cannot be read or written, with the file and the field at fault.
public struct ModelFileError: Error, CustomStringConvertible {
    /// The file's path.
    public var file: String
    /// What is wrong, naming the field where there is one.
    public var problem: String

    /// - Parameters:
    ///   - file: the model file's path.
    ///   - problem: what is wrong, naming the field.
    public init(file: String, _ problem: String) {
        self.file = file
        self.problem = problem
    }

    /// The message, as `print` and the CLI show it.
    public var description: String { "\(file): \(problem)" }
}
