import Foundation
import LikelyData
import Testing

/// `CIFARDirectory` on records written by hand: where each byte of a channel-planar record
/// lands in the NHWC image, and which label byte is read.
@Suite("CIFAR reader") struct CIFARReaderTests {
    /// The pixel bytes of record `i`: byte b of the 3072 holds (b + 7i) mod 256, so every
    /// position and record differs.
    static func pixels(record i: Int) -> [UInt8] { (0..<3072).map { UInt8(($0 + 7 * i) % 256) } }

    static func directory(_ files: [String: [UInt8]], names: [String: String] = [:]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("likely-cifar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        for (name, text) in names { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        return dir.path
    }

    @Test func channelPlanarBytesBecomeNHWC() throws {
        // CIFAR-10: two records in data_batch_1 (labels 3, 9), one in test_batch (label 0).
        let train = [3] + Self.pixels(record: 0) + [9] + Self.pixels(record: 1)
        let path = try Self.directory(["data_batch_1.bin": train, "test_batch.bin": [0] + Self.pixels(record: 2)])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(CIFARDirectory.layout(of: path) == .cifar10)
        let data = try CIFARDirectory.load(path, split: .train)
        #expect(data.features.shape == [2, 32, 32, 3] && data.classIndices == [3, 9])
        #expect(data.classNames == (0..<10).map(String.init), "no batches.meta.txt: the indices")
        // Pixel (r, c) of channel k is byte k·1024 + r·32 + c of the record's pixels.
        for (i, r, c, k) in [(0, 0, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1), (0, 31, 31, 2), (1, 5, 17, 1), (1, 20, 3, 2)] {
            let byte = (k * 1024 + r * 32 + c + 7 * i) % 256
            #expect(data.features[i, r, c, k] == Float(byte) / 255, "record \(i) (\(r), \(c), \(k))")
        }
        let test = try CIFARDirectory.load(path, split: .test)
        #expect(test.count == 1 && test.classIndices == [0] && test.features[0, 0, 0, 2] == Float((2048 + 14) % 256) / 255)
    }

    @Test func cifar100ReadsTheFineOrTheCoarseLabel() throws {
        // Record: coarse 4, fine 71, then the pixels.
        let bytes = [4, 71] + Self.pixels(record: 0)
        let coarseNames = (0..<20).map { "c\($0)" }.joined(separator: "\r\n") + "\r\n"
        let path = try Self.directory(["train.bin": bytes, "test.bin": bytes], names: ["coarse_label_names.txt": coarseNames])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(CIFARDirectory.layout(of: path) == .cifar100)
        let fine = try CIFARDirectory.load(path, split: .train)
        #expect(fine.classIndices == [71] && fine.classNames?.count == 100)
        let coarse = try CIFARDirectory.load(path, split: .test, label: .coarse)
        #expect(coarse.classIndices == [4] && coarse.classNames?[4] == "c4" && coarse.classNames?.count == 20)
        #expect(coarse.features[0, 1, 2, 1] == Float((1024 + 32 + 2) % 256) / 255, "the pixels follow 2 label bytes")
    }

    @Test func malformedFilesNameTheFileAndTheRecord() throws {
        let path = try Self.directory(["test_batch.bin": [0] + Self.pixels(record: 0) + [10] + Self.pixels(record: 1),
                                       "data_batch_1.bin": [1, 2, 3]])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: DataError(source: path + "/test_batch.bin", location: "record 1 (byte 3073)",
                                  problem: "label 10 is not one of the 10 classes 0…9")) {
            try CIFARDirectory.load(path, split: .test)
        }
        #expect(throws: DataError(source: path + "/data_batch_1.bin",
                                  problem: "holds 3 bytes, not a whole number of CIFAR-10 records of 3073 bytes (1 label byte + 3072 pixel bytes)")) {
            try CIFARDirectory.load(path, split: .train)
        }
        #expect(CIFARDirectory.layout(of: path + "/test_batch.bin") == nil, "a file is not a directory")
    }
}
