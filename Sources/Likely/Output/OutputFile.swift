#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A file or stream that could not be written.
///
/// `refused` is bad input (exit 2): the path names a directory, a device, a FIFO with no
/// reader, or something else that must not be replaced. `failed` is a failure at run time
/// (exit 1): the system refused the write (no space left on device, an I/O error).
public struct OutputError: Error, CustomStringConvertible {
    /// Whose fault the failure is.
    public enum Kind: Sendable {
        /// The path must not be written (bad input, exit 2).
        case refused
        /// The system failed the write (a failure at run time, exit 1).
        case failed
    }
    /// The path as the user gave it (or "standard output").
    public var path: String
    /// Refused or failed.
    public var kind: Kind
    /// What went wrong.
    public var problem: String

    /// - Parameters:
    ///   - path: the path as the user gave it.
    ///   - kind: refused or failed.
    ///   - problem: what went wrong.
    public init(path: String, kind: Kind, _ problem: String) {
        self.path = path
        self.kind = kind
        self.problem = problem
    }

    /// The message, as `print` and the CLI show it.
    public var description: String { "\(path): \(problem)" }
}

/// The one way Likely writes files: nothing the user did not ask to replace is replaced,
/// and a file is replaced whole or not at all.
///
/// - A regular file (or nothing yet) is written to a unique temporary file in the same
///   directory (`mkstemp`), flushed to disk and renamed over the target, so a crash or a
///   full disk mid-write leaves the previous file intact and two writers never share a
///   temporary file. The new file keeps the old one's permissions.
/// - A symbolic link is followed to its final target, which is written; the link stays.
/// - A character device or a FIFO (`/dev/null`, a named pipe) is written directly when the
///   caller allows streams (`predict --out`), never replaced by a regular file; a FIFO with
///   no reader is refused instead of waiting for one.
/// - A directory, block device or socket is refused.
package enum OutputFile {
    /// What already exists where an output will be written.
    package enum Existing: Equatable, Sendable {
        case nothing, regularFile, directory, stream(String), unwritable(String)
    }

    /// What is at `path` now, symbolic links followed.
    package static func existing(_ path: String) -> Existing {
        var info = stat()
        guard stat(path, &info) == 0 else { return .nothing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regularFile
        case S_IFDIR: return .directory
        case S_IFCHR: return .stream("a character device")
        case S_IFIFO: return .stream("a FIFO (named pipe)")
        case S_IFBLK: return .unwritable("a block device")
        case S_IFSOCK: return .unwritable("a socket")
        default: return .unwritable("not a regular file")
        }
    }

    /// Throws `OutputError.refused` unless `path` may be written: nothing there yet, a
    /// regular file, or (with `allowStream`) a character device or FIFO.
    package static func check(_ path: String, allowStream: Bool) throws {
        switch existing(path) {
        case .nothing, .regularFile: return
        case .directory: throw OutputError(path: path, kind: .refused, "is a directory; expected a file path")
        case .stream(let what):
            guard allowStream else {
                throw OutputError(path: path, kind: .refused, "is \(what), not a regular file; it is never replaced")
            }
        case .unwritable(let what):
            throw OutputError(path: path, kind: .refused, "is \(what); refusing to write to it or replace it")
        }
    }

    /// Writes `data` to `path` by the rules above; the directory must exist.
    /// - Throws: `OutputError` (`refused` for a path that must not be written, `failed` when
    ///   the system fails the write).
    package static func write(_ data: Data, to path: String, allowStream: Bool = false) throws {
        try check(path, allowStream: allowStream)
        if case .stream = existing(path) {
            try writeStream(data, to: path)
        } else {
            try stage(data, for: path).commit()
        }
    }

    /// `data` in a temporary file next to `path`'s final target, ready to be renamed into
    /// place by `commit()`; a set of files staged first and committed together leaves the
    /// shortest window in which some are new and some old.
    package static func stage(_ data: Data, for path: String) throws -> StagedFile {
        try check(path, allowStream: false)
        let target = PathResolution.finalTarget(of: path)
        let directory = (target as NSString).deletingLastPathComponent
        guard case .directory = existing(directory.isEmpty ? "." : directory) else {
            throw OutputError(path: path, kind: .refused, "the directory \(directory) does not exist")
        }
        var template = Array(((directory.isEmpty ? "" : directory + "/") + "." + (target as NSString).lastPathComponent + "." + String(repeating: "X", count: 6)).utf8CString)  // mkstemp's template
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure(path, "cannot create a temporary file in \(directory)") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            defer { close(fd) }
            try writeAll(data, to: fd, path: path)
            var info = stat()
            let mode = stat(target, &info) == 0 ? info.st_mode & 0o7777 : 0o666 & ~currentUmask()
            guard fchmod(fd, mode) == 0, fsync(fd) == 0 else { throw failure(path, "cannot flush the file") }
        } catch {
            unlink(temporary)
            throw error
        }
        return StagedFile(path: path, temporary: temporary, target: target)
    }

    /// Writes to a character device or FIFO in place; a FIFO without a reader is refused.
    static func writeStream(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENXIO { throw OutputError(path: path, kind: .refused, "is a FIFO that no process reads; start the reader first") }
            throw failure(path, "cannot open")
        }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        try writeAll(data, to: fd, path: path)
    }

    /// Every byte of `data` to `fd`, retrying short writes and interrupts.
    static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw failure(path, "cannot write") }
                done += n
            }
        }
    }

    /// The process's file-creation mask (read by setting and restoring it).
    static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }

    /// An `OutputError.failed` with the system's reason (`errno`).
    static func failure(_ path: String, _ what: String) -> OutputError {
        OutputError(path: path, kind: .failed, "\(what): \(String(cString: strerror(errno)))")
    }
}

/// A file written to a temporary name, waiting to be renamed over its target.
package struct StagedFile {
    /// The path as the caller named it.
    package let path: String
    let temporary: String
    /// The final target of `path` (symbolic links followed).
    let target: String

    /// Renames the temporary file over the target (atomic within a file system).
    package func commit() throws {
        guard rename(temporary, target) == 0 else {
            let error = OutputFile.failure(path, "cannot rename the temporary file into place")
            discard()
            throw error
        }
    }

    /// Removes the temporary file.
    package func discard() { unlink(temporary) }
}

/// Writes `data` to `url` atomically (see `OutputFile`).
package func writeAtomically(_ data: Data, to url: URL) throws {
    try OutputFile.write(data, to: url.path)
}
