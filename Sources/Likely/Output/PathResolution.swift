import Foundation

/// Paths as the file system sees them, for writing through symbolic links and for telling
/// whether an output is one of the inputs or lies inside an input directory.
package enum PathResolution {
    /// The longest symbolic-link chain followed (Linux's own limit).
    static let maximumLinks = 40

    /// `path` absolute, with every symbolic link resolved, `.` and `..` removed; the part
    /// that does not exist yet is kept as written (like `realpath -m`). A link chain longer
    /// than 40 is left unresolved at that point.
    package static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var pending = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var resolved: [String] = []
        var links = 0
        while !pending.isEmpty {
            let component = pending.removeFirst()
            if component == "." { continue }
            if component == ".." { _ = resolved.popLast(); continue }
            let candidate = "/" + (resolved + [component]).joined(separator: "/")
            if links < maximumLinks, let target = linkTarget(candidate) {
                links += 1
                let parts = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
                if target.hasPrefix("/") { resolved = [] }
                pending = parts + pending
            } else {
                resolved.append(component)
            }
        }
        return "/" + resolved.joined(separator: "/")
    }

    /// The file a write to `path` lands in: `path` itself unless it is a symbolic link, else
    /// the link's final target (which need not exist yet).
    package static func finalTarget(of path: String) -> String {
        linkTarget(path) == nil ? path : canonical(path)
    }

    /// Whether `path` lies at or below `directory` (both canonical).
    package static func isInside(_ path: String, _ directory: String) -> Bool {
        path == directory || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
    }

    /// The identity (device, inode) of the file at `path`, links followed; `nil` if none.
    package static func identity(_ path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    /// The target text of the symbolic link at `path`, or `nil` if it is not one.
    static func linkTarget(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
