import Foundation
import Likely

/// The one check every command makes of the paths it will write, before any work: an
/// output is never one of the inputs, never inside an input directory (a model directory,
/// an IDX or NPY directory), never a directory, block device or socket, and never a
/// device or FIFO where a regular file must go (model files, plots); its directory exists
/// or can be created. The rules are in docs/cli.md ("Output paths").
struct OutputPaths {
    /// What the command reads: a role for messages ("DATA", "MODEL_DIR") and the path.
    var inputs: [(role: String, path: String)]

    /// Checks a file output such as `predict --out`; `allowStream` admits a character
    /// device or FIFO, written in place (`--out /dev/null`).
    func checkFile(_ path: String, option: String, allowStream: Bool) throws {
        try checkNotAnInput(path, option: option)
        do {
            try OutputFile.check(path, allowStream: allowStream)
        } catch let error as OutputError {
            throw InputError("\(option) \(path): \(error.problem)")
        }
        try checkCreatable((PathResolution.canonical(path) as NSString).deletingLastPathComponent, option: option, for: path)
    }

    /// Checks a directory output (`fit --out`, `--plots`) and the regular files that will
    /// be written into it.
    func checkDirectory(_ path: String, option: String, files: [String]) throws {
        try checkNotAnInput(path, option: option)
        switch OutputFile.existing(path) {
        case .nothing: try checkCreatable(PathResolution.canonical(path), option: option, for: path)
        case .directory: break
        default: throw InputError("\(option) \(path): exists and is not a directory")
        }
        for name in files {
            try checkFile(DataSource.join(path, name), option: option, allowStream: false)
        }
    }

    /// Refuses `path` when it is an input or lies inside an input directory.
    func checkNotAnInput(_ path: String, option: String) throws {
        let target = PathResolution.canonical(path)
        let identity = PathResolution.identity(path)
        for input in inputs {
            let source = PathResolution.canonical(input.path)
            if target == source || (identity != nil && identity == PathResolution.identity(input.path)) {
                throw InputError("\(option) \(path) is \(input.role) \(input.path), which this command reads; write the output elsewhere")
            }
            if FileInput.isDirectory(input.path) && PathResolution.isInside(target, source) {
                throw InputError("\(option) \(path) lies inside \(input.role) \(input.path), which this command reads; write the output elsewhere")
            }
        }
    }

    /// Requires that `directory` exists as a directory, or that its nearest existing
    /// ancestor is a writable directory in which it can be created.
    func checkCreatable(_ directory: String, option: String, for path: String) throws {
        var ancestor = directory
        while OutputFile.existing(ancestor) == .nothing && ancestor != "/" {
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        guard OutputFile.existing(ancestor) == .directory else {
            throw InputError("\(option) \(path): \(ancestor) is not a directory, so nothing can be written below it")
        }
        guard access(ancestor, W_OK | X_OK) == 0 else {
            throw InputError("\(option) \(path): the directory \(ancestor) is not writable")
        }
    }
}

/// Writes text to a file (see `OutputFile`; a device or FIFO is written in place), creating
/// missing directories, naming the file when that fails.
func writeText(_ text: String, to path: String, option: String) throws {
    try makeDirectory((PathResolution.canonical(path) as NSString).deletingLastPathComponent, option: option)
    do {
        try OutputFile.write(Data(text.utf8), to: path, allowStream: true)
    } catch let error as OutputError {
        throw OutputError(path: "\(option) \(path)", kind: error.kind, error.problem)
    }
}

/// Creates a directory for outputs (`--plots`, `--out`), naming it when that fails.
func makeDirectory(_ path: String, option: String) throws {
    switch OutputFile.existing(path) {
    case .directory: return
    case .nothing: break
    default: throw InputError("\(option) \(path): exists and is not a directory")
    }
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        throw InputError("\(option) \(path): cannot create the directory (\(error.localizedDescription))")
    }
}

/// Writes `text`, a result, to standard output at once (unbuffered). A failed write (a closed
/// pipe, a full disk) never stops the work: it is remembered, the command goes on to save
/// what it was asked to save, and `LikelyCommand` then ends with exit 1 and the reason.
func writeOutput(_ text: String) {
    do {
        try StandardOutput.write(text)
    } catch {
        OutputFailure.shared.record(error)
    }
}

/// Prints a line of the command's results to standard output (see `writeOutput`).
func printResult(_ text: String) { writeOutput(text + "\n") }

/// Prints a line of progress or a note to standard error (fit's epoch lines, tune's trial
/// lines, what was dropped or encoded), so that standard output carries only results; best
/// effort: a failure there has nowhere to be reported.
func say(_ text: String = "") { StandardError.write(text + "\n") }

/// The first failed write to standard output, reported when the command has finished.
final class OutputFailure: @unchecked Sendable {
    static let shared = OutputFailure()
    private let lock = NSLock()
    private var first: Error?

    func record(_ error: Error) {
        lock.withLock { if first == nil { first = error } }
    }

    /// The recorded failure, if any.
    var error: Error? { lock.withLock { first } }
}
