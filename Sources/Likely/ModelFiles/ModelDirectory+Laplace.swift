import Foundation

/// `model.json`'s `laplace` entry and `laplace.safetensors`: the posteriors of
/// `ProbabilisticModel.laplace`.
///
/// The entry holds `structure`, `prior` (auto, auto-per-layer, weight-norm or fixed), `prior_precision`
/// and `log_marginal_likelihood` (arrays with one entry per member; a member's prior precision
/// is an array of one value per layer with auto-per-layer and weight-norm), `n`, and the checksums (64-bit
/// FNV-1a, `Checksum`) of `weights.safetensors` and of `laplace.safetensors`, which loading
/// verifies. `laplace.safetensors` holds each member's factors of the posterior precision in
/// float32 (`factorTensors`: a Cholesky factor, a diagonal, or per layer two eigendecompositions),
/// prefixed `member_j.` for M > 1. Files with the entry are format version 2.
extension ModelDirectory {
    /// The file of the posteriors' factors.
    public static let laplaceFileName = ModelLayout.laplaceName

    /// One member's prior precision: a number, or one per layer.
    struct MemberPrecision: Codable, Equatable {
        var values: [Double]

        init(_ values: [Double]) { self.values = values }

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let x = try? c.decode(Double.self) { values = [x] } else { values = try c.decode([Double].self) }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            if values.count == 1 { try c.encode(values[0]) } else { try c.encode(values) }
        }
    }

    /// What `model.json` says of the posteriors.
    struct LaplaceEntry: Codable, Equatable {
        var structure: String
        var prior: String
        var priorPrecision: [MemberPrecision]
        var n: Int
        var logMarginalLikelihood: [Double]
        var weightsChecksum: String
        var factorsChecksum: String
    }

    /// `entry` as one line of JSON (keys sorted, snake case), as `save` reports it.
    static func laplaceEntryLine(_ entry: LaplaceEntry) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? encoder.encode(entry)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes of `laplace.safetensors` for `laplace`.
    static func laplaceFile(_ laplace: LaplaceApproximation, members: Int) -> Data {
        let tensors = laplace.members.enumerated().flatMap { j, posterior in
            factorTensors(posterior.factors, parameterCount: posterior.parameterCount).map { ((members > 1 ? "member_\(j)." : "") + $0.name, $0.tensor) }
        }
        return Safetensors.encode(tensors, metadata: ["format": formatName, "structure": laplace.structure.rawValue])
    }

    /// One member's tensors, named without the member prefix: `precision_cholesky` `[P, P]`,
    /// `precision_diagonal` `[P]`, or for each KFAC block l `block_l.input_eigenvalues` `[a]`,
    /// `block_l.input_eigenvectors` `[a, a]`, `block_l.output_eigenvalues` `[g]` and
    /// `block_l.output_eigenvectors` `[g, g]`, and for EKFAC `block_l.eigenvalues` `[a, g]`.
    static func factorTensors(_ factors: LaplaceFactors, parameterCount p: Int) -> [(name: String, tensor: Tensor)] {
        func vector(_ v: [Double]) -> Tensor { Tensor(shape: [v.count], scalars: v.map(Float.init)) }
        func square(_ v: [Double], _ n: Int) -> Tensor { Tensor(shape: [n, n], scalars: v.map(Float.init)) }
        switch factors {
        case .cholesky(let l): return [("precision_cholesky", square(l, p))]
        case .diagonal(let d): return [("precision_diagonal", vector(d))]
        case .kronecker(let blocks):
            return blocks.enumerated().flatMap { l, b in
                [("block_\(l).input_eigenvalues", vector(b.inputEigenvalues)),
                 ("block_\(l).input_eigenvectors", square(b.inputEigenvectors, b.inputEigenvalues.count)),
                 ("block_\(l).output_eigenvalues", vector(b.outputEigenvalues)),
                 ("block_\(l).output_eigenvectors", square(b.outputEigenvectors, b.outputEigenvalues.count))]
                    + (b.correctedEigenvalues.map { [("block_\(l).eigenvalues", Tensor(shape: [b.inputEigenvalues.count, b.outputEigenvalues.count], scalars: $0.map(Float.init)))] } ?? [])
            }
        }
    }

    /// The entry of `laplace`, with the checksums of the two files' bytes.
    static func laplaceEntry(_ laplace: LaplaceApproximation, weights: Data, factors: Data) -> LaplaceEntry {
        let prior: String = switch laplace.prior { case .auto: "auto"; case .autoPerLayer: "auto-per-layer"; case .weightNorm: "weight-norm"; case .gridsearch: "gridsearch"; case .fixed: "fixed" }
        return LaplaceEntry(structure: laplace.structure.rawValue, prior: prior,
                            priorPrecision: laplace.members.map { MemberPrecision($0.priorPrecision) }, n: laplace.count,
                            logMarginalLikelihood: laplace.members.map(\.logMarginalLikelihood),
                            weightsChecksum: Checksum.hex(of: weights), factorsChecksum: Checksum.hex(of: factors))
    }

    /// The posteriors of `entry` read from `directory`'s `laplace.safetensors` into `model`,
    /// after checking both checksums, the factors' shapes against the networks and their values.
    static func loadLaplace(_ entry: LaplaceEntry, into model: ProbabilisticModel, directory: URL, weights: Data) throws {
        let file = directory.appendingPathComponent("model.json").path
        guard let structure = LaplaceStructure(rawValue: entry.structure) else {
            throw ModelFileError(file: file, "field laplace.structure: expected last-layer, full, kfac, ekfac or diagonal, got \"\(entry.structure)\"")
        }
        let m = model.memberCount
        guard entry.priorPrecision.count == m, entry.logMarginalLikelihood.count == m else {
            throw ModelFileError(file: file, "field laplace: prior_precision and log_marginal_likelihood need one entry per member (\(m))")
        }
        guard entry.n > 0, entry.priorPrecision.allSatisfy({ !$0.values.isEmpty && $0.values.allSatisfy { $0 > 0 && $0.isFinite } }) else {
            throw ModelFileError(file: file, "field laplace: n must be positive and every prior precision a positive number")
        }
        let prior: PriorPrecision
        switch entry.prior {
        case "auto": prior = .auto
        case "auto-per-layer": prior = .autoPerLayer
        case "weight-norm": prior = .weightNorm
        case "gridsearch": prior = .gridsearch
        case "fixed": prior = .fixed(entry.priorPrecision[0].values[0])
        default: throw ModelFileError(file: file, "field laplace.prior: expected auto, auto-per-layer, weight-norm, gridsearch or fixed, got \"\(entry.prior)\"")
        }
        let weightsFile = directory.appendingPathComponent("weights.safetensors").path
        guard Checksum.hex(of: weights) == entry.weightsChecksum else {
            throw ModelFileError(file: weightsFile, "its checksum \(Checksum.hex(of: weights)) is not the \(entry.weightsChecksum) its Laplace posterior was fitted on: fit the posterior again (likely laplace)")
        }
        let url = directory.appendingPathComponent(laplaceFileName)
        let bytes = try contents(url)
        guard Checksum.hex(of: bytes) == entry.factorsChecksum else {
            throw ModelFileError(file: url.path, "its checksum \(Checksum.hex(of: bytes)) is not the \(entry.factorsChecksum) of model.json's laplace entry (a torn or foreign file)")
        }
        let tensors = try Safetensors.decode(bytes, file: url.path).tensors
        var posteriors: [LaplacePosterior] = [], expected = 0
        for (j, member) in model.members.enumerated() {
            let prefix = m > 1 ? "member_\(j)." : ""
            let walker: NetworkJacobian
            do { walker = try NetworkJacobian(network: member, structure: structure) } catch {
                throw ModelFileError(file: file, "field laplace.structure: \(error)")
            }
            /// The tensor `name` of member j, of `shape`, with finite values.
            func read(_ name: String, _ shape: [Int], what: String) throws -> [Double] {
                guard let tensor = tensors[prefix + name], tensor.shape == shape else {
                    throw ModelFileError(file: url.path, "tensor '\(prefix + name)' must be present with shape \(shape) (\(what) of member \(j))")
                }
                let values = tensor.scalars.map(Double.init)
                guard values.allSatisfy(\.isFinite) else { throw ModelFileError(file: url.path, "tensor '\(prefix + name)' holds a value that is not finite") }
                expected += 1
                return values
            }
            let p = walker.parameterCount, layers = walker.denseLayers.count
            let factors: LaplaceFactors
            switch structure {
            case .full, .lastLayer:
                let factor = try read("precision_cholesky", [p, p], what: "the Cholesky factor of the \(structure.rawValue) weights")
                guard (0..<p).allSatisfy({ factor[$0 * p + $0] > 0 }) else {
                    throw ModelFileError(file: url.path, "tensor '\(prefix)precision_cholesky': a Cholesky factor needs a positive diagonal")
                }
                factors = .cholesky(factor)
            case .diagonal:
                let diagonal = try read("precision_diagonal", [p], what: "the diagonal precision")
                guard diagonal.allSatisfy({ $0 > 0 }) else {
                    throw ModelFileError(file: url.path, "tensor '\(prefix)precision_diagonal': every precision must be positive")
                }
                factors = .diagonal(diagonal)
            case .kfac, .ekfac:
                factors = .kronecker(try (0..<layers).map { l in
                    let (a, g) = walker.shape(ofLayer: l)
                    var corrected: [Double]?
                    if structure == .ekfac {
                        corrected = try read("block_\(l).eigenvalues", [a, g], what: "layer \(l)'s EKFAC eigenvalues")
                        guard corrected?.allSatisfy({ $0 >= 0 }) ?? false else {
                            throw ModelFileError(file: url.path, "tensor '\(prefix)block_\(l).eigenvalues': EKFAC eigenvalues are sums of squares and cannot be negative")
                        }
                    }
                    return KroneckerBlock(inputEigenvalues: try read("block_\(l).input_eigenvalues", [a], what: "layer \(l)'s input factor"),
                                          inputEigenvectors: try read("block_\(l).input_eigenvectors", [a, a], what: "layer \(l)'s input factor"),
                                          outputEigenvalues: try read("block_\(l).output_eigenvalues", [g], what: "layer \(l)'s output factor"),
                                          outputEigenvectors: try read("block_\(l).output_eigenvectors", [g, g], what: "layer \(l)'s output factor"),
                                          correctedEigenvalues: corrected)
                })
            }
            let values = entry.priorPrecision[j].values
            guard values.count == 1 || values.count == layers else {
                throw ModelFileError(file: file, "field laplace.prior_precision: member \(j) has \(values.count) values; expected one, or one per covered layer")
            }
            posteriors.append(LaplacePosterior(priorPrecision: values, logMarginalLikelihood: entry.logMarginalLikelihood[j],
                                               parameterCount: p, factors: factors))
        }
        if tensors.count != expected {
            throw ModelFileError(file: url.path, "holds \(tensors.count) tensors; expected \(expected) (the \(structure.rawValue) factors of \(m) member\(m == 1 ? "" : "s"))")
        }
        model.laplace = LaplaceApproximation(structure: structure, prior: prior, count: entry.n, members: posteriors)
    }
}
