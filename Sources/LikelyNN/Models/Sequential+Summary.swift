import Foundation

/// A Keras-style table of a model: one row per layer with its output shape and parameter
/// count, then the totals.
public struct ModelSummary: CustomStringConvertible, Sendable {
    /// One layer's row.
    public struct Row: Sendable {
        /// Keras-style unique name (`conv2d`, `conv2d_1`, …).
        public var name: String
        /// Output shape per example (without the batch axis).
        public var outputShape: [Int]
        /// Parameters and state of the layer.
        public var parameterCount: Int
    }

    /// The rows, in layer order.
    public var rows: [Row]
    /// Σ of all rows' counts.
    public var totalParameterCount: Int
    /// The part an optimizer updates.
    public var trainableParameterCount: Int
    /// The rest (frozen weights, BatchNorm running statistics).
    public var nonTrainableParameterCount: Int { totalParameterCount - trainableParameterCount }

    /// The table as Keras prints it, with `None` for the batch axis.
    public var description: String {
        let shapes = rows.map { "(None, " + $0.outputShape.map(String.init).joined(separator: ", ") + ")" }
        let nameWidth = max(22, rows.map { $0.name.count + 2 }.max() ?? 0)
        let shapeWidth = max(20, shapes.map { $0.count + 2 }.max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        let rule = String(repeating: "─", count: nameWidth + shapeWidth + 12)
        var lines = [pad("Layer", nameWidth) + pad("Output Shape", shapeWidth) + "Param #", rule]
        for (row, shape) in zip(rows, shapes) {
            lines.append(pad(row.name, nameWidth) + pad(shape, shapeWidth) + String(row.parameterCount))
        }
        lines += [rule,
                  "Total params: \(totalParameterCount)",
                  "Trainable params: \(trainableParameterCount)",
                  "Non-trainable params: \(nonTrainableParameterCount)"]
        return lines.joined(separator: "\n")
    }

    /// The JSON of `likely summary --json`: `layers` (each `name`, `output_shape` with `null`
    /// for the batch axis, `params`), `total_params`, `trainable_params`, `non_trainable_params`.
    public var json: String {
        let layers = rows.map { row in
            "{\"name\":\"\(row.name)\",\"output_shape\":[null" + row.outputShape.map { ",\($0)" }.joined()
                + "],\"params\":\(row.parameterCount)}"
        }
        return "{\"layers\":[" + layers.joined(separator: ",") + "],\"total_params\":\(totalParameterCount),"
            + "\"trainable_params\":\(trainableParameterCount),\"non_trainable_params\":\(nonTrainableParameterCount)}"
    }
}

extension Sequential {
    /// The Keras-like summary for inputs of per-example shape `inputShape` (by default the
    /// shape the model was built for).
    public func summary(inputShape: [Int]? = nil) -> ModelSummary {
        guard let shape = inputShape ?? self.inputShape else {
            preconditionFailure("summary() needs an input shape: build the model with inputShape or pass summary(inputShape:)")
        }
        var counters: [String: Int] = [:]
        var current = shape
        var rows: [ModelSummary.Row] = []
        for layer in layers {
            current = layer.outputShape(for: current)
            let n = counters[layer.kindName, default: 0]
            counters[layer.kindName] = n + 1
            rows.append(.init(name: n == 0 ? layer.kindName : "\(layer.kindName)_\(n)", outputShape: current,
                              parameterCount: layer.parameterCount))
        }
        return ModelSummary(rows: rows, totalParameterCount: parameterCount, trainableParameterCount: trainableParameterCount)
    }
}
