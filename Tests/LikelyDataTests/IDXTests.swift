import Foundation
import LikelyData
import LikelyTensor
import Testing

@Suite("IDX reader") struct IDXTests {
    @Test("raw and gzip images and labels match what numpy wrote", arguments: ["", ".gz"])
    func roundTrip(suffix: String) throws {
        let expected = try Fixture.expected()
        let images = try IDXReader.images(path: Fixture.path("idx/images-idx3-ubyte" + suffix))
        let reference = try #require(expected["idx/images"] as? [String: Any])
        #expect(images.shape == (try Fixture.ints(reference["shape"])))
        #expect(images.scalars == (try Fixture.floats(reference["values"])))
        #expect(try IDXReader.labels(path: Fixture.path("idx/labels-idx1-ubyte" + suffix)) == (try Fixture.ints(expected["idx/labels"])))
    }

    @Test func mnistDirectoryLoadsBothSplits() throws {
        let expected = try Fixture.expected()
        for (split, key, n) in [(MNISTSplit.train, "mnist/train", 5), (.test, "mnist/t10k", 3)] {
            let data = try MNISTDirectory.load(Fixture.path("mnist"), split: split)
            let reference = try #require(expected[key] as? [String: Any])
            #expect(data.features.shape == [n, 28, 28, 1])
            #expect(data.classIndices == (try Fixture.ints(reference["labels"])))
            let sum = data.features.scalars.reduce(0.0) { $0 + Double($1) }
            #expect(abs(sum - (try #require(reference["pixel_sum"] as? Double))) < 1e-3)
            #expect(data.classNames == (0..<10).map(String.init))
        }
        #expect(MNISTDirectory.looksLikeMNIST(Fixture.path("mnist")))
        #expect(!MNISTDirectory.looksLikeMNIST(Fixture.path("npydir")))
    }

    @Test("malformed IDX files give errors naming the file and the problem", arguments: [
        ("wrong-magic-idx3-ubyte", ["wrong-magic-idx3-ubyte", "0x00000801", "expected 3", "0x00000803"]),
        ("not-idx-idx3-ubyte", ["not-idx-idx3-ubyte", "not an IDX magic number"]),
        ("float-idx3-ubyte", ["float-idx3-ubyte", "32-bit float", "only unsigned byte"]),
        ("short-idx3-ubyte", ["short-idx3-ubyte", "3 × 4 × 5 need 60 bytes", "the file has 53"]),
        ("long-idx3-ubyte", ["long-idx3-ubyte", "need 60 bytes", "the file has 62"]),
        ("billion-idx3-ubyte", ["billion-idx3-ubyte", "1000000000 × 28 × 28 need 784000000000 bytes", "the file has 1568"]),
        ("billion-idx3-ubyte.gz", ["billion-idx3-ubyte.gz", "784000000000 bytes", "more than a", "gzip file can hold"]),
        ("truncated-idx3-ubyte.gz", ["truncated-idx3-ubyte.gz"]),
        ("header-only-idx3-ubyte", ["header-only-idx3-ubyte", "ends after", "dimension sizes"]),
    ])
    func malformed(name: String, fragments: [String]) {
        expectDataError(fragments) { _ = try IDXReader.images(path: Fixture.path("idx-bad/" + name)) }
    }

    @Test func truncatedGzipSaysSo() {
        // Either zlib reports the broken stream or the data ends before the header's count.
        do {
            _ = try IDXReader.images(path: Fixture.path("idx-bad/truncated-idx3-ubyte.gz"))
            Issue.record("a truncated gzip file was accepted")
        } catch let error as DataError {
            let text = error.description
            #expect(text.contains("truncated"), "\(text)")
            #expect(text.components(separatedBy: "truncated-idx3-ubyte.gz").count == 2, "the path appears once: \(text)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func labelsFileIsNotImages() {
        expectDataError(["labels-idx1-ubyte", "declares 1 dimensions", "expected 3"]) {
            _ = try IDXReader.images(path: Fixture.path("idx/labels-idx1-ubyte"))
        }
    }

    @Test func directoryProblems() {
        expectDataError(["mnist-mismatch", "4 images", "3 labels"]) { _ = try MNISTDirectory.load(Fixture.path("mnist-mismatch"), split: .train) }
        expectDataError(["mnist-mismatch", "no images file for the test split", "t10k-images-idx3-ubyte"]) {
            _ = try MNISTDirectory.load(Fixture.path("mnist-mismatch"), split: .test)
        }
        expectDataError(["nowhere", "not a directory"]) { _ = try MNISTDirectory.load(Fixture.path("nowhere"), split: .train) }
    }
}
