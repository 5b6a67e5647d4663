/// A model file that cannot be read or written, with the file and the field at fault.
public struct ModelFileError: Error, CustomStringConvertible {
    /// The file's path.
    public var file: String
    /// What is wrong, naming the field where there is one.
    public var problem: String

    public init(file: String, _ problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
