import LikelyData
import LikelyTensor
import Testing

@Suite("NPY reader") struct NPYTests {
    @Test("round trips every supported dtype and format version written by numpy",
          arguments: ["f32.npy", "f64.npy", "u8.npy", "i32.npy", "i64.npy", "bool.npy", "scalar.npy", "empty.npy", "v2.npy", "v3.npy"])
    func roundTrip(name: String) throws {
        let expected = try #require(try Fixture.expected()["npy/" + name] as? [String: Any])
        let array = try NPYArray(path: Fixture.path("npy/" + name))
        #expect(array.shape == (try Fixture.ints(expected["shape"])))
        #expect(array.scalars == (try Fixture.floats(expected["values"])))
    }

    @Test func directoryLoadsXAndY() throws {
        let expected = try #require(try Fixture.expected()["npydir"] as? [String: Any])
        let data = try NPYDirectory.load(Fixture.path("npydir"), classes: true)
        #expect(data.features.shape == [6, 2])
        #expect(data.features.scalars == (try Fixture.floats(expected["x"])))
        #expect(data.classIndices == (try Fixture.ints(expected["y"])))
        #expect(data.classNames == ["0", "1", "2"])
        #expect(NPYDirectory.looksLikeNPY(Fixture.path("npydir")))
    }

    @Test("malformed NPY files give errors naming the file and the problem", arguments: [
        ("fortran.npy", ["fortran.npy", "Fortran", "not supported"]),
        ("object.npy", ["object.npy", "object array"]),
        ("bigendian.npy", ["bigendian.npy", "'>f4'", "big-endian"]),
        ("float16.npy", ["float16.npy", "'<f2'", "not supported"]),
        ("structured.npy", ["structured.npy", "structured"]),
        ("nan.npy", ["nan.npy", "element [1, 0]", "nan", "finite"]),
        ("truncated.npy", ["truncated.npy", "(3, 4)", "needs 48 bytes", "has 43"]),
        ("extra.npy", ["extra.npy", "needs 48 bytes", "has 52"]),
        ("notnpy.npy", ["notnpy.npy", "magic"]),
        ("huge.npy", ["huge.npy", "(1000000000, 784)", "has 16"]),
    ])
    func malformed(name: String, fragments: [String]) {
        expectDataError(fragments) { _ = try NPYArray(path: Fixture.path("npy-bad/" + name)) }
    }

    @Test func missingFilesAndMismatchedCounts() {
        expectDataError(["npydir-mismatch", "6 examples", "5"]) { _ = try NPYDirectory.load(Fixture.path("npydir-mismatch")) }
        expectDataError(["npy-bad", "no x.npy"]) { _ = try NPYDirectory.load(Fixture.path("npy-bad")) }
        expectDataError(["does-not-exist.npy", "cannot open"]) { _ = try NPYArray(path: Fixture.path("does-not-exist.npy")) }
    }

    @Test func badVersionAndHeaderTruncation() throws {
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [9, 0, 10, 0]
        expectDataError(["v.npy", "version 9.0"]) { _ = try NPYArray(bytes: bytes, path: "v.npy") }
        bytes[6] = 1
        expectDataError(["h.npy", "header claims 10 bytes"]) { _ = try NPYArray(bytes: bytes, path: "h.npy") }
        let header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2 }".utf8)
        let bad = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + header
        expectDataError(["s.npy", "header"]) { _ = try NPYArray(bytes: bad, path: "s.npy") }
    }
}
