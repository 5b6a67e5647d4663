import LikelyTensor

/// The built-in architectures, by the names the `likely` command uses.
public enum Architecture: String, CaseIterable, Codable, Sendable {
    /// A fully connected ReLU network (`mlp`).
    case mlp
    /// The CNN of the seeds (`seed-cnn`): Conv 8@3×3 same, ReLU, Conv 16@3×3 same, ReLU,
    /// MaxPool 2×2, Flatten, Dense 40, ReLU, Dropout, Dense K.
    case seedCNN = "seed-cnn"
    /// LeNet-5 (`lenet5`): Conv 6@5×5 same, tanh, AvgPool 2×2, Conv 16@5×5 valid, tanh,
    /// AvgPool 2×2, Flatten, Dense 120, tanh, Dense 84, tanh, Dropout, Dense K.
    case lenet5
    /// A small residual CNN (`resnet-small`): Conv 16@3×3, BatchNorm, ReLU, two residual
    /// blocks (16 channels, then 32 with stride 2 and a projection), global average pooling,
    /// Dropout, Dense K.
    case resnetSmall = "resnet-small"

    /// Whether the architecture takes images `[H, W, C]` (otherwise `[features]`).
    public var takesImages: Bool { self != .mlp }

    /// The layer descriptions for a per-example input shape.
    /// - Parameters:
    ///   - inputShape: `[features]` for `mlp`, `[H, W, C]` for the CNNs.
    ///   - hidden: hidden layer sizes (`mlp` only).
    ///   - dropout: the rate of the dropout layers (0 removes them from `mlp`).
    ///   - outputs: K, the size of the last dense layer (the raw distribution parameters).
    public func specs(inputShape: [Int], hidden: [Int] = [50, 50], dropout: Float = 0.25, outputs: Int) -> [LayerSpec] {
        switch self {
        case .mlp: return Architecture.mlpSpecs(hidden: hidden, dropout: dropout, outputs: outputs)
        case .seedCNN: return Architecture.seedCNNSpecs(outputs: outputs, dropout: dropout)
        case .lenet5: return Architecture.lenet5Specs(outputs: outputs, dropout: dropout)
        case .resnetSmall: return Architecture.residualCNNSpecs(outputs: outputs, dropout: dropout)
        }
    }

    /// The model with fresh weights.
    /// - Throws: `LayerSpecError` when the input shape does not suit the architecture.
    public func makeModel(inputShape: [Int], hidden: [Int] = [50, 50], dropout: Float = 0.25, outputs: Int,
                          using random: inout RandomSource) throws -> Sequential {
        try Sequential(specs: specs(inputShape: inputShape, hidden: hidden, dropout: dropout, outputs: outputs),
                       inputShape: inputShape, using: &random)
    }

    static func dense(_ units: Int) -> LayerSpec { .dense(units: units, useBias: true, kernelInitializer: .glorotUniform) }

    static func conv(_ filters: Int, _ kernel: Int, stride: Int = 1, padding: Padding = .same) -> LayerSpec {
        .conv2D(filters: filters, kernelSize: SpatialSize(kernel), strides: SpatialSize(stride), padding: padding,
                dilation: SpatialSize(1), useBias: true, kernelInitializer: .glorotUniform)
    }

    static func mlpSpecs(hidden: [Int], dropout: Float, outputs: Int) -> [LayerSpec] {
        var specs: [LayerSpec] = []
        for units in hidden {
            specs += [dense(units), .activation(.relu)]
            if dropout > 0 { specs.append(.dropout(rate: dropout)) }
        }
        return specs + [dense(outputs)]
    }

    static func seedCNNSpecs(outputs: Int, dropout: Float) -> [LayerSpec] {
        [conv(8, 3), .activation(.relu), conv(16, 3), .activation(.relu),
         .maxPool2D(poolSize: SpatialSize(2), strides: SpatialSize(2), padding: .valid), .flatten,
         dense(40), .activation(.relu), .dropout(rate: dropout), dense(outputs)]
    }

    static func lenet5Specs(outputs: Int, dropout: Float) -> [LayerSpec] {
        let pool = LayerSpec.avgPool2D(poolSize: SpatialSize(2), strides: SpatialSize(2), padding: .valid)
        return [conv(6, 5), .activation(.tanh), pool, conv(16, 5, padding: .valid), .activation(.tanh), pool, .flatten,
                dense(120), .activation(.tanh), dense(84), .activation(.tanh), .dropout(rate: dropout), dense(outputs)]
    }

    static func residualCNNSpecs(outputs: Int, dropout: Float) -> [LayerSpec] {
        let norm = LayerSpec.batchNorm(momentum: 0.99, epsilon: 1e-3)
        return [conv(16, 3), norm, .activation(.relu),
                .residual(body: [conv(16, 3), norm, .activation(.relu), conv(16, 3), norm]), .activation(.relu),
                .residual(body: [conv(32, 3, stride: 2), norm, .activation(.relu), conv(32, 3), norm]), .activation(.relu),
                .globalAveragePool2D, .dropout(rate: dropout), dense(outputs)]
    }
}

extension Sequential {
    /// `mlp`: Dense(h) + ReLU (+ Dropout when `dropout` > 0) for each hidden size, then Dense(outputs).
    public static func mlp(features: Int, hidden: [Int], dropout: Float = 0, outputs: Int,
                           using random: inout RandomSource) -> Sequential {
        precondition(features > 0 && outputs > 0 && hidden.allSatisfy { $0 > 0 },
                     "mlp needs positive sizes, got features \(features), hidden \(hidden), outputs \(outputs)")
        precondition(dropout >= 0 && dropout < 1, "dropout rate must be in [0, 1), got \(dropout)")
        do {
            return try Architecture.mlp.makeModel(inputShape: [features], hidden: hidden, dropout: dropout, outputs: outputs, using: &random)
        } catch {
            preconditionFailure("mlp(features: \(features), hidden: \(hidden)) cannot be built: \(error)")
        }
    }

    /// `seed-cnn` for images of `inputShape` `[H, W, C]` (H, W ≥ 2).
    public static func seedCNN(inputShape: [Int], outputs: Int, dropout: Float = 0.25,
                               using random: inout RandomSource) -> Sequential {
        precondition(inputShape.count == 3 && inputShape.allSatisfy { $0 > 0 } && inputShape[0] >= 2 && inputShape[1] >= 2,
                     "seed-cnn needs an input shape [H ≥ 2, W ≥ 2, C ≥ 1], got \(inputShape)")
        precondition(outputs > 0 && dropout >= 0 && dropout < 1, "seed-cnn needs outputs > 0 and dropout in [0, 1), got \(outputs), \(dropout)")
        do {
            return try Architecture.seedCNN.makeModel(inputShape: inputShape, dropout: dropout, outputs: outputs, using: &random)
        } catch {
            preconditionFailure("seed-cnn for input shape \(inputShape) cannot be built: \(error)")
        }
    }
}
