import Foundation
import LikelyData
import LikelyTensor
import Testing

/// The system package's Fashion-MNIST; first labels checked against numpy reading the same
/// files (train 9, 0, 0, 3, 0; test 9, 2, 1, 1, 6; 6000 / 1000 per class).
@Suite("Fashion-MNIST") struct FashionMNISTTests {
    static let directory = "/usr/share/datasets/fashion-mnist"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: directory)))
    func loadsBothSplits() throws {
        let train = try MNISTDirectory.load(Self.directory, split: .train)
        #expect(train.features.shape == [60000, 28, 28, 1])
        #expect(Array(train.classIndices.prefix(5)) == [9, 0, 0, 3, 0])
        #expect(train.classIndices.filter { $0 == 7 }.count == 6000)
        // numpy: image 0 pixel (14, 14) is 217, and its pixels sum to 76247.
        #expect(train.features[0, 14, 14, 0] == Float(217) / 255)
        let sum = train.features.scalars[0..<784].reduce(0.0) { $0 + Double($1) }
        #expect(abs(sum * 255 - 76247) < 0.1)
        #expect(train.features.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        let test = try MNISTDirectory.load(Self.directory, split: .test)
        #expect(test.count == 10000)
        #expect(Array(test.classIndices.prefix(5)) == [9, 2, 1, 1, 6])
        #expect(test.features[0, 14, 14, 0] == Float(110) / 255)
    }
}
