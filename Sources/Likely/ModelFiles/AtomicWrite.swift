import Foundation

/// Writes `data` to `url` atomically: to a temporary file in the same directory, flushed,
/// then renamed over the target. A crash mid-write leaves the previous file intact.
public func writeAtomically(_ data: Data, to url: URL) throws {
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    guard FileManager.default.createFile(atPath: temporary.path, contents: data) else {
        throw ModelFileError(file: url.path, "cannot write (is the directory \(directory.path) writable?)")
    }
    guard let handle = FileHandle(forWritingAtPath: temporary.path) else {
        throw ModelFileError(file: url.path, "cannot open the temporary file \(temporary.path)")
    }
    try handle.synchronize()
    try handle.close()
    guard rename(temporary.path, url.path) == 0 else {
        try? FileManager.default.removeItem(at: temporary)
        throw ModelFileError(file: url.path, "cannot rename the temporary file into place (errno \(errno))")
    }
}
