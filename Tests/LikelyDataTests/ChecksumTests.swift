import Foundation
import LikelyData
import LikelyTensor
import Testing

/// The 64-bit FNV-1a checksum, against the reference values of its specification
/// (draft-eastlake-fnv, test vectors: "" → cbf29ce484222325, "a" → af63dc4c8601ec8c,
/// "foobar" → 85944171f73967e8), and the data fingerprint built on it.
struct ChecksumTests {
    @Test func fnv1a64ReferenceValues() {
        #expect(Checksum.hex(of: Data()) == "cbf29ce484222325")
        #expect(Checksum.hex(of: Data("a".utf8)) == "af63dc4c8601ec8c")
        #expect(Checksum.hex(of: Data("foobar".utf8)) == "85944171f73967e8")
        // In pieces: the checksum of the concatenation.
        var pieces = Checksum()
        pieces.add(Data("foo".utf8))
        pieces.add(Data("bar".utf8))
        #expect(pieces.hex == "85944171f73967e8")
    }

    @Test func fingerprintsNameWhatDiffers() {
        let data = Dataset(features: Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), targets: Tensor([0, 1, 0]))
        let same = DataFingerprint(data, columns: ["a", "b", "y"])
        #expect(same == DataFingerprint(data, columns: ["a", "b", "y"]))
        let changed = DataFingerprint(Dataset(features: Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 7]), targets: Tensor([0, 1, 0])),
                                      columns: ["a", "b", "y"])
        #expect(same.differences(from: changed) == ["values (checksum \(same.checksum) against \(changed.checksum))"])
        let fewer = DataFingerprint(Dataset(features: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), targets: Tensor([0, 1])),
                                    columns: ["a", "c", "y"])
        #expect(same.differences(from: fewer) == ["rows 3 against 2", "columns a,b,y against a,c,y"])
    }
}
