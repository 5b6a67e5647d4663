import Foundation
import Likely
import LikelyTensor
import Testing

struct SafetensorsTests {
    let tensors: [(name: String, tensor: Tensor)] = [
        ("0.weight", Tensor([[1, -2.5, 3], [0.125, 1e-30, -Float.greatestFiniteMagnitude]])),
        ("0.bias", Tensor([7, 8])),
        ("empty", Tensor(shape: [0, 3], scalars: [])),
    ]

    @Test func roundTrip() throws {
        let data = Safetensors.encode(tensors, metadata: ["format": "likely"])
        let (decoded, metadata) = try Safetensors.decode(data, file: "w.safetensors")
        #expect(metadata == ["format": "likely"])
        for (name, tensor) in tensors {
            #expect(decoded[name]?.shape == tensor.shape)
            #expect(decoded[name]?.scalars == tensor.scalars)
        }
    }

    /// The layout by hand: header length, JSON, then little-endian floats.
    @Test func handWorkedLayout() throws {
        let data = Safetensors.encode([("x", Tensor([1]))])
        let headerLength = Int(data[0]) | Int(data[1]) << 8
        #expect(headerLength % 8 == 0)
        let json = String(decoding: data[8..<(8 + headerLength)], as: UTF8.self)
        #expect(json.trimmingCharacters(in: .whitespaces) == #"{"x":{"data_offsets":[0,4],"dtype":"F32","shape":[1]}}"#)
        #expect(Array(data.suffix(4)) == [0x00, 0x00, 0x80, 0x3f])  // 1.0f little endian
    }

    @Test(arguments: [
        ("truncated", 0, "truncated"),
        ("header too long", 1, "exceeds"),
        ("not json", 2, "not a JSON object"),
        ("wrong dtype", 3, "dtype F16 is not supported"),
        ("offsets past end", 4, "run past"),
        ("shape mismatch", 5, "needs 8 bytes"),
        ("shape whose byte count overflows", 6, "needs more than"),
    ])
    func malformedFilesAreReported(_ name: String, _ which: Int, _ expected: String) {
        func file(_ header: String, dataBytes: Int) -> Data {
            var d = Data()
            withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { d.append(contentsOf: $0) }
            d.append(Data(header.utf8))
            d.append(Data(repeating: 0, count: dataBytes))
            return d
        }
        let data: Data = switch which {
        case 0: Data([1, 2, 3])
        case 1: Data([255, 255, 0, 0, 0, 0, 0, 0, 1])
        case 2: file("[1, 2]", dataBytes: 0)
        case 3: file(#"{"x":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, dataBytes: 2)
        case 4: file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 4)
        case 5: file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, dataBytes: 4)
        default: file(#"{"x":{"dtype":"F32","shape":[2147483647,2147483647,2],"data_offsets":[0,4]}}"#, dataBytes: 4)
        }
        #expect {
            _ = try Safetensors.decode(data, file: "bad.safetensors")
        } throws: { error in
            let message = "\(error)"
            return message.contains("bad.safetensors") && message.contains(expected)
        }
    }

    /// Python's `safetensors` package reads what we write (installed by `make test`).
    @Test func pythonSafetensorsReadsOurFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likely-safetensors-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("weights.safetensors")
        try writeAtomically(Safetensors.encode(tensors), to: url)
        let script = """
        import sys
        from safetensors.numpy import load_file
        t = load_file(sys.argv[1])
        print(t["0.weight"].shape, t["0.weight"].dtype, float(t["0.weight"][0, 1]), float(t["0.bias"].sum()), t["empty"].shape)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "python3 safetensors failed: \(output)")
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "(2, 3) float32 -2.5 15.0 (0, 3)")
    }

    @Test func atomicWriteReplacesAndLeavesNoTemporaryFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likely-atomic-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("a.txt")
        try writeAtomically(Data("one".utf8), to: url)
        try writeAtomically(Data("two".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["a.txt"])
    }
}
