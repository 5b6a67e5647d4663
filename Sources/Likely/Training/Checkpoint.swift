#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A checkpoint on disk is one unit: a directory whose files (a model directory, the training
/// state, the optimizer state, the best weights) and manifest `checkpoint.json` are written
/// together into a fresh directory beside it, `.NAME.partial-` and six random characters, which then takes the
/// checkpoint's place in one step (Linux's `renameat2` with `RENAME_EXCHANGE`; the old one is
/// then removed), under an exclusive lock on the parent directory. A process killed at any
/// moment leaves the previous checkpoint whole (or, the instant after the exchange, the new one)
/// and a `.partial` directory, removed by the next save.
///
/// The manifest, written last, names every file with its size and `Checksum` and holds the
/// run's `TrainingFingerprint`; `verify` checks all of them before a run resumes.
enum Checkpoint {
    /// The manifest's file name.
    static let manifestName = ModelLayout.manifestName
    static let formatName = "likely-checkpoint"
    static let formatVersion = 1

    /// `checkpoint.json`.
    struct Manifest: Codable {
        struct File: Codable {
            var name: String
            var bytes: Int
            var checksum: String
        }
        var format: String
        var formatVersion: Int
        /// The epochs the checkpoint has trained.
        var epoch: Int
        var fingerprint: TrainingFingerprint
        var files: [File]
    }

    /// Writes `files` and their manifest as the checkpoint `directory`, replacing any earlier
    /// one in one step.
    /// - Parameter landed: called with each file's name once it is on disk in the staging
    ///   directory, then with `manifestName`, then with `directory` once the new checkpoint is
    ///   in place (tests interrupt a save there); an error it throws ends the save as it stands.
    static func write(_ files: [(name: String, data: Data)], epoch: Int, fingerprint: TrainingFingerprint,
                      to directory: String, landed: ((String) throws -> Void)? = nil) throws {
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = url.deletingLastPathComponent().path, name = url.lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw ModelFileError(file: parent, "cannot create the checkpoint's directory: \(error.localizedDescription)")
        }
        // One save at a time in `parent` (two fits of one MODEL_DIR): the lock ends with the
        // process, so what a killed save left is no one's and is removed.
        let lock = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lock >= 0 else { throw ModelFileError(file: parent, "cannot open the checkpoint's directory: \(String(cString: strerror(errno)))") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        removeStaging(of: name, in: parent)
        let staging = try makeStagingDirectory(of: name, in: parent)
        var entries: [Manifest.File] = []
        for (file, data) in files {
            try writeAtomically(data, to: URL(fileURLWithPath: staging).appendingPathComponent(file))
            entries.append(Manifest.File(name: file, bytes: data.count, checksum: Checksum.hex(of: data)))
            try landed?(file)
        }
        let manifest = Manifest(format: formatName, formatVersion: formatVersion, epoch: epoch,
                                fingerprint: fingerprint, files: entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try writeAtomically(try encoder.encode(manifest) + Data("\n".utf8),
                            to: URL(fileURLWithPath: staging).appendingPathComponent(manifestName))
        try landed?(manifestName)
        try replace(url.path, with: staging)
        try landed?(directory)
        removeStaging(of: name, in: parent)
    }

    /// Checks that `directory` is a whole checkpoint of a run with `fingerprint`: its manifest
    /// reads, every file it names has its size and checksum, and the fingerprints agree.
    /// - Throws: `CheckpointError` naming what is wrong.
    static func verify(_ directory: String, fingerprint: TrainingFingerprint) throws {
        let manifestPath = URL(fileURLWithPath: directory).appendingPathComponent(manifestName).path
        guard let json = FileManager.default.contents(atPath: manifestPath) else {
            throw CheckpointError(directory: directory, problem: "no \(manifestName): not a complete checkpoint (an interrupted save, or one written by an earlier version)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let manifest: Manifest
        do { manifest = try decoder.decode(Manifest.self, from: json) } catch {
            throw CheckpointError(directory: directory, problem: "\(manifestName) cannot be read: \(error.localizedDescription)")
        }
        guard manifest.format == formatName, manifest.formatVersion == formatVersion else {
            throw CheckpointError(directory: directory, problem: "\(manifestName) is not a checkpoint of format \(formatName) version \(formatVersion)")
        }
        for file in manifest.files {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(file.name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CheckpointError(directory: directory, problem: "\(file.name) is missing")
            }
            guard data.count == file.bytes, Checksum.hex(of: data) == file.checksum else {
                throw CheckpointError(directory: directory, problem: "\(file.name) is not the file the manifest names (\(data.count) bytes, checksum \(Checksum.hex(of: data)); expected \(file.bytes) bytes, checksum \(file.checksum)): the checkpoint is torn")
            }
        }
        let differences = manifest.fingerprint.differences(from: fingerprint)
        guard differences.isEmpty else {
            throw CheckpointError(directory: directory, problem: "written by another run: " + differences.joined(separator: "; ")
                                  + " (the checkpoint's value first, this run's second)")
        }
    }

    /// A new, empty `.NAME.partial-` directory in `parent`, named by `mkdtemp` (six random characters).
    private static func makeStagingDirectory(of name: String, in parent: String) throws -> String {
        // mkdtemp replaces the template's last six characters, which must be "X".
        var template = Array((parent + "/." + name + ".partial-" + String(repeating: "X", count: 6)).utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw ModelFileError(file: parent, "cannot create a staging directory for the checkpoint: \(String(cString: strerror(errno)))")
        }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes the staging directories an interrupted save of `name` left in `parent`.
    private static func removeStaging(of name: String, in parent: String) {
        let prefix = "." + name + ".partial-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(prefix) {
            try? FileManager.default.removeItem(atPath: parent + "/" + entry)
        }
    }

    /// Puts the directory `staging` at `path` in one step: a rename when nothing is there, else
    /// an exchange of the two (the old checkpoint is then at `staging`, removed by the caller).
    /// File systems without exchange get the old one moved aside first: a kill between the two
    /// renames leaves no checkpoint at `path` (and the old one at `staging`'s name).
    private static func replace(_ path: String, with staging: String) throws {
        if rename(staging, path) == 0 { return }
        guard errno == ENOTEMPTY || errno == EEXIST else {
            throw ModelFileError(file: path, "cannot put the checkpoint in place: \(String(cString: strerror(errno)))")
        }
        if let exchange = renameExchange, exchange(AT_FDCWD, staging, AT_FDCWD, path, 2 /* RENAME_EXCHANGE */) == 0 { return }
        let aside = staging + ".old"
        guard rename(path, aside) == 0, rename(staging, path) == 0 else {
            throw ModelFileError(file: path, "cannot put the checkpoint in place: \(String(cString: strerror(errno)))")
        }
        try? FileManager.default.removeItem(atPath: aside)
    }

    /// glibc's `renameat2` (Linux 3.15+), looked up at run time: Swift's Glibc module does not
    /// declare it (it is a GNU extension).
    private static let renameExchange: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2").map { unsafeBitCast($0, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self) }
    }()
}

/// A checkpoint that cannot be resumed: torn, incomplete, or of another run.
public struct CheckpointError: Error, CustomStringConvertible {
    /// The checkpoint directory.
    public var directory: String
    /// What is wrong.
    public var problem: String

    /// The checkpoint directory, then the problem.
    public var description: String { "\(directory): \(problem)" }
}
