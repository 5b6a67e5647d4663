import CZlib
import Foundation
import LikelyNN
import LikelyTensor
import Testing

/// A minimal reader for the gzip IDX files of Fashion-MNIST, for this test only: the first
/// `count` images scaled to [0, 1] as `[count, 28, 28, 1]`, and their labels.
private func readFashionMNIST(count: Int, directory: String = "/usr/share/datasets/fashion-mnist") throws -> (Tensor, [Int]) {
    func read(_ name: String, header: Int, bytes: Int) throws -> [UInt8] {
        let path = "\(directory)/\(name)"
        guard let file = gzopen(path, "rb") else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        defer { gzclose(file) }
        var buffer = [UInt8](repeating: 0, count: header + bytes)
        let got = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(header + bytes)) }
        guard got == Int32(header + bytes) else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path]) }
        return Array(buffer[header...])
    }
    let pixels = try read("train-images-idx3-ubyte.gz", header: 16, bytes: count * 784)
    let labels = try read("train-labels-idx1-ubyte.gz", header: 8, bytes: count)
    return (Tensor(shape: [count, 28, 28, 1], scalars: pixels.map { Float($0) / 255 }), labels.map(Int.init))
}

@Suite("Fashion-MNIST", .serialized)
struct FashionMNISTTests {
    @Test("seed-cnn overfits 256 images to training accuracy ≥ 0.99 (categorical NLL, Adam)")
    func overfit() throws {
        let (images, labels) = try readFashionMNIST(count: 256)
        var random = RandomSource(seed: 42)
        let model = Sequential.seedCNN(inputShape: [28, 28, 1], outputs: 10, dropout: 0.25, using: &random)
        let optimizer = Adam(learningRate: 0.003)
        func accuracy() -> Double {
            var none = ExampleStreams()
            let predicted = withoutGradients { model(images, phase: .inference, using: &none) }.argmax(alongAxis: 1)
            return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
        }
        var reached = 0.0
        for epoch in 0..<60 {
            let order = random.permutation(256)
            for start in stride(from: 0, to: 256, by: 32) {
                let batch = Array(order[start..<(start + 32)])
                var streams = ExampleStreams(key: StreamKey(seed: 42, purpose: .dropout, epoch: UInt64(epoch)), examples: batch)
                let logits = model(images.gather(batch), phase: .training, using: &streams)
                let loss = -logits.logSoftmax(alongAxis: 1).pick(columns: batch.map { labels[$0] }).mean()
                optimizer.update(model.parameters, with: loss.gradients())
            }
            reached = accuracy()
            if reached >= 0.99 { break }
        }
        #expect(reached >= 0.99, "training accuracy \(reached)")
    }
}
