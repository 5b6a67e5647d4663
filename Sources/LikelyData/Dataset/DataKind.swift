/// The three kinds of training data the readers read, which some defaults depend on (see
/// `FitDefaults`).
public enum DataKind: String, Sendable {
    /// A CSV file with a header row (`CSVReader`).
    case table = "CSV table"
    /// A directory of IDX files in the MNIST layout (`MNISTDirectory`).
    case images = "IDX image directory"
    /// A directory holding x.npy (and y.npy) (`NPYDirectory`).
    case arrays = "NPY directory"
}
