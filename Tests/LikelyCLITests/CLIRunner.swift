import Foundation
import Testing

/// Runs the built `likely` executable and captures what it prints.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Whether the process ended by a signal (a crash), not by `exit`.
    var crashed: Bool
}

enum CLI {
    /// The `likely` executable next to the test bundle (`.build/<configuration>/likely`).
    static let executable: URL? = {
        var candidates: [URL] = []
        if let bundle = Bundle.main.executableURL { candidates.append(bundle.deletingLastPathComponent()) }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates += ["release", "debug"].map { root.appendingPathComponent(".build").appendingPathComponent($0) }
        return candidates.map { $0.appendingPathComponent("likely") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `likely arguments…` to completion; with `processes`, under
    /// `mpirun --oversubscribe -np processes` on loopback (shared memory only). With
    /// `stdout`, standard output goes to that file (or device) instead of being captured. A
    /// run still going after `timeout` seconds is killed (a hang guard, not a speed claim) and
    /// reported as crashed.
    static func run(_ arguments: [String], processes: Int? = nil, stdout: String? = nil,
                    timeout: TimeInterval = 300) throws -> CLIResult {
        let process = try start(arguments, processes: processes)
        let result = try finish(process, stdout: stdout, timeout: timeout)
        checkNoSilentEmptyCells(arguments, result)
        checkNoSilentNulls(arguments, result)
        return result
    }

    /// Every JSON object a successful command prints (`--json` output, one object a line)
    /// gives each `null` a reason under its top-level `"notes"`, keyed by the null's JSON Pointer
    /// (the convention of every JSON output: docs/cli.md, "Output conventions"). `summary` is
    /// apart: its `null` is the batch dimension of an output shape, as Keras prints `None`.
    static func checkNoSilentNulls(_ arguments: [String], _ result: CLIResult) {
        guard result.status == 0, arguments.first != "summary" else { return }
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            let notes = (object["notes"] as? [String: Any]) ?? [:]
            var nulls: [String] = []
            collectNulls(object.filter { $0.key != "notes" }, pointer: "", into: &nulls)
            if let silent = nulls.first(where: { notes[$0] == nil }) {
                Issue.record("likely \(arguments.joined(separator: " ")): \(silent) is null with exit 0 and no note")
            }
        }
    }

    /// The JSON Pointers of every `null` inside `value`.
    static func collectNulls(_ value: Any, pointer: String, into nulls: inout [String]) {
        if value is NSNull { nulls.append(pointer) }
        if let object = value as? [String: Any] {
            for (key, item) in object {
                let escaped = key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
                collectNulls(item, pointer: pointer + "/" + escaped, into: &nulls)
            }
        }
        if let array = value as? [Any] {
            for (index, item) in array.enumerated() { collectNulls(item, pointer: pointer + "/\(index)", into: &nulls) }
        }
    }

    /// The numeric columns of `predict` and `sample` output: a cell of these is empty only
    /// with a note on stderr saying why.
    static func isNumericColumn(_ name: String) -> Bool {
        ["mean", "sd", "aleatoric_sd", "epistemic_sd", "q05", "q95", "lower", "upper", "entropy", "mutual_information"].contains(name)
            || name.hasPrefix("p_") || name.hasPrefix("draw_")
    }

    /// Every successful `predict` or `sample` that prints no note leaves no numeric cell empty
    /// (its CSV on stdout, or in the `--out` file).
    static func checkNoSilentEmptyCells(_ arguments: [String], _ result: CLIResult) {
        guard let command = arguments.first, ["predict", "sample"].contains(command), result.status == 0,
              !result.stderr.contains("note:") else { return }
        var text = result.stdout
        if let flag = arguments.firstIndex(of: "--out"), flag + 1 < arguments.count,
           let file = try? String(contentsOfFile: arguments[flag + 1], encoding: .utf8) {
            text = file
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
              header.contains(where: isNumericColumn), !text.contains("\"") else { return }
        for (row, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            for (column, name) in header.enumerated() where isNumericColumn(name) && column < cells.count && cells[column].isEmpty {
                Issue.record("likely \(arguments.joined(separator: " ")): row \(row + 1), column \(name) is empty with exit 0 and no note")
                return
            }
        }
    }

    /// The process of `likely arguments…`, configured but not started.
    static func start(_ arguments: [String], processes: Int? = nil) throws -> Process {
        guard let executable else { throw CLIError("the likely executable was not found; run swift build --build-tests first") }
        let process = Process()
        if let processes {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["mpirun", "--oversubscribe", "-np", String(processes), "--mca", "btl", "self,vader",
                                 executable.path] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
            environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
            environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"
            process.environment = environment
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        return process
    }

    /// Runs a process from `start` to completion, capturing what it prints.
    static func finish(_ process: Process, stdout: String? = nil, timeout: TimeInterval = 300) throws -> CLIResult {
        // Output goes to temporary files, so no pipe can fill up and block the process.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("likely-run-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: stdout.map { URL(fileURLWithPath: $0) } ?? outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        let timedOut = process.isRunning
        // SIGKILL: a child of the test runner may inherit a signal mask that blocks SIGTERM.
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        let outData = (try? Data(contentsOf: outURL)) ?? Data(), errData = (try? Data(contentsOf: errURL)) ?? Data()
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self),
                         crashed: timedOut || process.terminationReason == .uncaughtSignal || process.terminationStatus >= 128)
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh temporary directory, removed by `remove()`.
struct Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("likely-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file.path
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Small files in the formats `likely` reads.
enum Fixtures {
    /// A linear-congruential stream in [0, 1), so the files are the same on every run.
    struct Stream {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// x in [−2, 2], y = 1.5x + 0.5 + noise whose size grows with |x|.
    static func regressionCSV(rows: Int = 60) -> String {
        var s = Stream(state: 7), lines = ["x,y"]
        for _ in 0..<rows {
            let x = 4 * s.next() - 2
            let y = 1.5 * x + 0.5 + (0.1 + 0.2 * abs(x)) * (s.next() - 0.5) * 3
            lines.append(String(format: "%.4f,%.4f", x, y))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Two features and a label among `classes`, decided by the features.
    static func classificationCSV(rows: Int = 60, classes: [String] = ["cat", "dog", "eel"]) -> String {
        var s = Stream(state: 11), lines = ["a,b,kind"]
        for _ in 0..<rows {
            let a = s.next(), b = s.next()
            let k = min(classes.count - 1, Int((a + 0.3 * b) / 1.3 * Double(classes.count)))
            lines.append(String(format: "%.4f,%.4f,", a, b) + classes[k])
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An IDX file: magic (0, 0, 0x08 = unsigned byte, rank), big-endian extents, bytes.
    static func idx(_ extents: [Int], _ bytes: [UInt8]) -> Data {
        var data = Data([0, 0, 0x08, UInt8(extents.count)])
        for e in extents { data += withUnsafeBytes(of: UInt32(e).bigEndian) { Data($0) } }
        return data + Data(bytes)
    }

    /// An MNIST-layout directory with `count` 8×8 images per split and labels 0, 1, 2.
    static func writeIDX(in scratch: Scratch, directory: String, count: Int = 24) throws {
        var s = Stream(state: 3)
        for prefix in ["train", "t10k"] {
            var pixels: [UInt8] = [], labels: [UInt8] = []
            for i in 0..<count {
                let label = i % 3
                labels.append(UInt8(label))
                for r in 0..<8 { for _ in 0..<8 { pixels.append(r % 3 == label ? 200 : UInt8(s.next() * 40)) } }
            }
            try scratch.write("\(directory)/\(prefix)-images-idx3-ubyte", idx([count, 8, 8], pixels))
            try scratch.write("\(directory)/\(prefix)-labels-idx1-ubyte", idx([count], labels))
        }
    }

    /// A version 1.0 .npy file of little-endian float32 values.
    static func npy(shape: [Int], _ values: [Float]) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
        data += withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { Data($0) }
        data += Data(header.utf8)
        for v in values { data += withUnsafeBytes(of: v.bitPattern.littleEndian) { Data($0) } }
        return data
    }
}
