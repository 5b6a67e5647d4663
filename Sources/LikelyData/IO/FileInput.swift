#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// Low-level file access shared by the readers: whole-file reads for CSV and NPY, and a
/// streaming reader (raw or gzip through zlib's `gzread`) for IDX, each reporting failures
/// as `DataError`s that name the file.
public enum FileInput {
    /// The size in bytes of the regular file at `path`.
    /// - Throws: `DataError` if there is no file or it is not a regular file (a directory,
    ///   FIFO, socket or device, which could block a read forever or never end).
    static func size(of path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DataError(source: path, problem: "cannot open: \(String(cString: strerror(errno)))")
        }
        try requireRegular(info, path: path)
        return Int(info.st_size)
    }

    /// Throws unless `info` describes a regular file, naming what it is instead.
    static func requireRegular(_ info: stat, path: String) throws {
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO (named pipe), which could block a read forever"
        case S_IFCHR, S_IFBLK: kind = "a device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw DataError(source: path, problem: "is not a regular file: it is \(kind); expected a regular file")
    }

    /// Whether a regular file exists at `path`.
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether a directory exists at `path`.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The whole content of the regular file at `path`. The type is checked before the
    /// file is opened and again on the open descriptor (opened non-blocking, so a FIFO
    /// swapped in between cannot block); the allocation is the file's size on disk, so it
    /// is bounded by what really exists.
    public static func readAll(_ path: String) throws -> [UInt8] {
        _ = try size(of: path)
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw DataError(source: path, problem: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw DataError(source: path, problem: "cannot read: \(String(cString: strerror(errno)))")
        }
        try requireRegular(info, path: path)
        let expected = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: expected)
        var done = 0
        while done < expected {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, expected - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n < 0 ? String(cString: strerror(errno)) : "the file shrank while it was read"
                throw DataError(source: path, problem: "read \(done) of \(expected) bytes: \(reason)")
            }
            done += n
        }
        return bytes
    }

    /// Whether the file starts with the gzip magic bytes 1f 8b.
    static func isGzip(_ path: String) throws -> Bool {
        guard let handle = fopen(path, "rb") else {
            throw DataError(source: path, problem: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(handle) }
        var magic: [UInt8] = [0, 0]
        let read = magic.withUnsafeMutableBytes { fread($0.baseAddress, 1, 2, handle) }
        return read == 2 && magic == [0x1f, 0x8b]
    }
}

/// A forward-only byte stream over a raw or gzip-compressed file (zlib's `gzread`, which
/// passes raw files through unchanged). Truncated or corrupt gzip data is a `DataError`.
final class ByteStream {
    let path: String
    /// Whether the file is gzip-compressed.
    let isCompressed: Bool
    /// The size of the file on disk (compressed size for gzip).
    let fileSize: Int
    private let file: gzFile
    /// Bytes delivered so far (uncompressed).
    private(set) var offset = 0

    init(path: String) throws {
        self.path = path
        fileSize = try FileInput.size(of: path)
        isCompressed = try FileInput.isGzip(path)
        guard let file = gzopen(path, "rb") else {
            throw DataError(source: path, problem: "cannot open: \(String(cString: strerror(errno)))")
        }
        self.file = file
        gzbuffer(file, 1 << 17)
    }

    deinit { gzclose(file) }

    /// Reads up to `count` bytes into `buffer`; returns how many were read (fewer only at the
    /// end of the data). A zlib error (corrupt or truncated gzip) throws.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        while total < buffer.count {
            let want = min(buffer.count - total, Int(Int32.max / 2))
            let got = gzread(file, buffer.baseAddress! + total, UInt32(want))
            if got < 0 { throw zlibError(fallback: "read error") }
            if got == 0 {
                // gzread reports a truncated stream as end of data with an error set.
                var code: Int32 = 0
                _ = gzerror(file, &code)
                if code != Z_OK && code != Z_STREAM_END { throw zlibError(fallback: "read error") }
                break
            }
            total += Int(got)
        }
        offset += total
        return total
    }

    /// Exactly `count` bytes, or a `DataError` saying what was missing.
    func readExactly(_ count: Int, what: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withUnsafeMutableBytes { try read(into: $0) }
        guard got == count else {
            throw DataError(source: path, problem: "the file ends after \(offset) bytes, inside the \(what) (\(count) bytes expected)")
        }
        return bytes
    }

    /// Whether the stream is exhausted: reads one byte (which also makes zlib check the
    /// gzip trailer's CRC and length).
    func isAtEnd() throws -> Bool {
        var byte: UInt8 = 0
        let got = try withUnsafeMutableBytes(of: &byte) { try read(into: $0) }
        if got > 0 { offset -= got }
        return got == 0
    }

    private func zlibError(fallback: String) -> DataError {
        var code: Int32 = 0
        var message = gzerror(file, &code).map { String(cString: $0) } ?? fallback
        // zlib prefixes its message with the path, which DataError already names.
        if message.hasPrefix(path + ": ") { message.removeFirst(path.count + 2) }
        let kind = isCompressed ? "corrupt or truncated gzip data" : "read failure"
        return DataError(source: path, problem: "\(kind) after \(offset) bytes: \(message.isEmpty ? fallback : message)")
    }
}
