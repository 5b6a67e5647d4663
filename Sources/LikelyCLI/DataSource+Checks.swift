import Foundation
import Likely

// The checks and conversions of what `DataSource` reads.
extension DataSource {
    /// A table only for a model trained on one (it has feature names), no IDX images for such
    /// a model: a CSV row read by an image model would otherwise fail later with a misleading
    /// message (its last cell read as a class label).
    static func checkKind(_ kind: DataKind, of path: String, role: String, for model: ProbabilisticModel) throws {
        let shape = model.inputShape
        if kind == .table && model.featureNames == nil {
            // Trained on an IDX or NPY directory: there are no columns to read a table by.
            let wanted = shape.count == 3 ? "images \(shape.map(String.init).joined(separator: "×"))"
                                          : "inputs of shape \(shape) from an IDX or NPY directory (it was not trained on a CSV table)"
            throw InputError("the model wants \(wanted); \(role) \(path) is \(kind.withArticle)")
        }
        if let names = model.featureNames, kind == .images || kind == .cifar {
            let columns = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
            throw InputError("the model wants a CSV table with the feature columns \(columns); \(role) \(path) is \(kind.withArticle)")
        }
    }

    /// Features `[n, …]` reshaped to `[n] + inputShape` when the example sizes agree.
    static func reshaped(_ features: Tensor, to inputShape: [Int], path: String, role: String = "DATA") throws -> Tensor {
        let example = Array(features.shape.dropFirst())
        if example == inputShape { return features }
        guard example.reduce(1, *) == inputShape.reduce(1, *) else {
            throw InputError("\(role) \(path): examples of shape \(example) do not fit the model, which takes inputs of shape \(inputShape)")
        }
        return features.reshaped(to: [features.shape[0]] + inputShape)
    }

    /// Targets the family can score (`Family.checkTargets`: its declared support), reported
    /// with the file, the data row (CSV) or example (arrays), the target's name and the value.
    static func checkTargets(_ data: LoadedData, family: Family) throws {
        guard let targets = data.targets else { return }
        let name = data.targetName.map { "target \"\($0)\"" } ?? "target"
        if let count = data.classNames?.count, count > Dataset.maximumClassCount {
            throw InputError("DATA \(data.path): the \(name) has \(count) classes; a model predicts at most \(Dataset.maximumClassCount) (a model file with more cannot be loaded)")
        }
        do {
            try family.checkTargets(targets, classCount: data.classNames?.count)
        } catch {
            switch error.problem {
            case .value(let index, let value):
                let place = data.kind == .table ? "data row \(index + 1)" : "example \(index)"
                // A CSV cell is quoted as written, with its 32-bit value when that differs (0.99999999 is 1.0).
                var shown = "\(value)"
                if let cells = data.table?.targetCells, index < cells.count, Double(cells[index]) != Double(value) {
                    shown = "\(cells[index]) (\(value) as a 32-bit float)"
                }
                throw InputError("DATA \(data.path): \(place): \(name) is \(shown); \(error.requirement)")
            case .classCount(let count, _):
                throw InputError("DATA \(data.path): \(error.requirement), the \(name) has \(count)"
                                 + (data.classNames.map { " (\($0.prefix(10).joined(separator: ", ")))" } ?? ""))
            }
        }
    }

    /// x.npy as features `[n, d]` (a vector per example) or images `[n, h, w, c]`; finite.
    static func arrayFeatures(_ path: String) throws -> Tensor {
        let xPath = join(path, "x.npy")
        let x = try NPYArray(path: xPath)
        guard let n = x.shape.first, n >= 1 else {
            throw InputError("\(xPath): shape \(x.shape); expected (n, ...) with at least one example")
        }
        guard x.shape.allSatisfy({ $0 >= 1 }) else {
            throw InputError("\(xPath): shape \(x.shape) has an empty axis")
        }
        if let bad = x.scalars.firstIndex(where: { !$0.isFinite }) {
            throw InputError("\(xPath): element [\(bad)] is \(x.scalars[bad]); features must be finite")
        }
        switch x.shape.count {
        case 1: return x.tensor.reshaped(to: [n, 1])
        case 2, 4: return x.tensor
        case 3: return x.tensor.reshaped(to: x.shape + [1])
        default: throw InputError("\(xPath): shape \(x.shape); expected (n, d), (n, h, w) or (n, h, w, c)")
        }
    }

    /// y as `[n]`: a `[n]` array or a single column `[n, 1]`.
    static func vectorTargets(_ y: Tensor, path: String) throws -> Tensor {
        if y.rank == 1 { return y }
        guard y.rank == 2, y.shape[1] == 1 else {
            throw InputError("\(path): shape \(y.shape); expected one target per example, (n,) or (n, 1)")
        }
        return y.reshaped(to: [y.shape[0]])
    }

    static func rejectColumns(target: String?, features: [String]?, kind: DataKind) throws {
        if target != nil { throw InputError("--target names a CSV column; DATA is \(kind.withArticle)") }
        if features != nil { throw InputError("--features names CSV columns; DATA is \(kind.withArticle)") }
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
