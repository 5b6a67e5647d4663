import Foundation

/// `model.json`'s `laplace` entry and `laplace.safetensors`: the posteriors of
/// `ProbabilisticModel.laplace`.
///
/// The entry holds `structure`, `prior` (auto, auto-per-layer or fixed), `prior_precision`
/// and `log_marginal_likelihood` (arrays with one entry per member; a member's prior precision
/// is an array of one value per layer with auto-per-layer), `n`, and the checksums (64-bit
/// FNV-1a, `Checksum`) of `weights.safetensors` and of `laplace.safetensors`, which loading
/// verifies. `laplace.safetensors` holds each member's Cholesky factor of the posterior
/// precision, float32 `[P, P]`, named `precision_cholesky` (`member_j.precision_cholesky` for
/// M > 1). Files with the entry are format version 2.
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

    /// `model.json`'s `laplace` entry of `model` as one line of JSON (keys sorted, snake
    /// case), or nil when the model holds no posterior.
    public static func laplaceEntryJSON(of model: ProbabilisticModel) -> String? {
        guard let laplace = model.laplace else { return nil }
        let entry = laplaceEntry(laplace, weights: weightsFile(model), factors: laplaceFile(laplace, members: model.memberCount))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? encoder.encode(entry)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes of `laplace.safetensors` for `laplace`.
    static func laplaceFile(_ laplace: LaplaceApproximation, members: Int) -> Data {
        let tensors = laplace.members.enumerated().map { j, posterior in
            (members > 1 ? "member_\(j).precision_cholesky" : "precision_cholesky",
             Tensor(shape: [posterior.parameterCount, posterior.parameterCount], scalars: posterior.precisionCholesky.map(Float.init)))
        }
        return Safetensors.encode(tensors, metadata: ["format": formatName, "structure": laplace.structure.rawValue])
    }

    /// The entry of `laplace`, with the checksums of the two files' bytes.
    static func laplaceEntry(_ laplace: LaplaceApproximation, weights: Data, factors: Data) -> LaplaceEntry {
        let prior: String = switch laplace.prior { case .auto: "auto"; case .autoPerLayer: "auto-per-layer"; case .fixed: "fixed" }
        return LaplaceEntry(structure: laplace.structure.rawValue, prior: prior,
                            priorPrecision: laplace.members.map { MemberPrecision($0.priorPrecision) }, n: laplace.count,
                            logMarginalLikelihood: laplace.members.map(\.logMarginalLikelihood),
                            weightsChecksum: Checksum.hex(of: weights), factorsChecksum: Checksum.hex(of: factors))
    }

    /// The posteriors of `entry` read from `directory`'s `laplace.safetensors` into `model`,
    /// after checking both checksums, the factors' shapes against the networks and their values.
    static func loadLaplace(_ entry: LaplaceEntry, into model: ProbabilisticModel, directory: URL, weights: Data) throws {
        let file = directory.appendingPathComponent("model.json").path
        guard let structure = LaplaceStructure(rawValue: entry.structure), structure.isBuilt else {
            throw ModelFileError(file: file, "field laplace.structure: expected last-layer or full, got \"\(entry.structure)\"")
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
        case "fixed": prior = .fixed(entry.priorPrecision[0].values[0])
        default: throw ModelFileError(file: file, "field laplace.prior: expected auto, auto-per-layer or fixed, got \"\(entry.prior)\"")
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
        var posteriors: [LaplacePosterior] = []
        for (j, member) in model.members.enumerated() {
            let name = m > 1 ? "member_\(j).precision_cholesky" : "precision_cholesky"
            let walker: NetworkJacobian
            do { walker = try NetworkJacobian(network: member, structure: structure) } catch {
                throw ModelFileError(file: file, "field laplace.structure: \(error)")
            }
            let p = walker.parameterCount
            guard let tensor = tensors[name], tensor.shape == [p, p] else {
                throw ModelFileError(file: url.path, "tensor '\(name)' must be present with shape [\(p), \(p)] (the \(structure.rawValue) weights of member \(j))")
            }
            let factor = tensor.scalars.map(Double.init)
            guard factor.allSatisfy(\.isFinite), (0..<p).allSatisfy({ factor[$0 * p + $0] > 0 }) else {
                throw ModelFileError(file: url.path, "tensor '\(name)': a Cholesky factor needs finite values and a positive diagonal")
            }
            let values = entry.priorPrecision[j].values
            guard values.count == 1 || values.count == walker.denseLayers.count else {
                throw ModelFileError(file: file, "field laplace.prior_precision: member \(j) has \(values.count) values; expected one, or one per covered layer")
            }
            posteriors.append(LaplacePosterior(priorPrecision: values, logMarginalLikelihood: entry.logMarginalLikelihood[j],
                                               parameterCount: p, precisionCholesky: factor))
        }
        if tensors.count != m {
            throw ModelFileError(file: url.path, "holds \(tensors.count) tensors; expected \(m) (one factor per member)")
        }
        model.laplace = LaplaceApproximation(structure: structure, prior: prior, count: entry.n, members: posteriors)
    }
}
