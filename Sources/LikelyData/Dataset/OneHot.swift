import LikelyTensor

extension Tensor {
    /// One-hot rows `[n, classCount]`: row r is 1 at column `indices[r]` and 0 elsewhere.
    /// - Parameters:
    ///   - indices: class indices, each in 0..<classCount.
    ///   - classCount: the number of classes K ≥ 1.
    public static func oneHot(_ indices: [Int], classCount: Int) -> Tensor {
        precondition(classCount >= 1, "classCount must be ≥ 1, got \(classCount)")
        var out = [Float](repeating: 0, count: indices.count * classCount)
        for (r, c) in indices.enumerated() {
            precondition(c >= 0 && c < classCount, "class index \(c) at row \(r) is outside 0..<\(classCount)")
            out[r * classCount + c] = 1
        }
        return Tensor(shape: [indices.count, classCount], scalars: out)
    }
}
