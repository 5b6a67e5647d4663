/// The kinds of training data the readers read, which some defaults depend on (see
/// `FitDefaults`).
public enum DataKind: String, Sendable {
    /// A CSV file with a header row (`CSVReader`).
    case table = "CSV table"
    /// A directory of IDX files in the MNIST layout (`MNISTDirectory`).
    case images = "IDX image directory"
    /// A directory holding x.npy (and y.npy) (`NPYDirectory`).
    case arrays = "NPY directory"
    /// A directory of CIFAR-10 or CIFAR-100 binary files (`CIFARDirectory`): images, as `images`.
    case cifar = "CIFAR binary directory"

    /// The name with its article, for messages: "an IDX image directory", "a CSV table".
    public var withArticle: String { (self == .images || self == .arrays ? "an " : "a ") + rawValue }
}
