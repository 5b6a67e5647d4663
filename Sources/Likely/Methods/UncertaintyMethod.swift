import Foundation
import Synchronization

/// One way of turning a model's trained networks into its predictive distribution: the
/// network alone, MC dropout, a Laplace posterior, or a method of your own. Every consumer —
/// `Predictive`, evaluation and its metrics, conformal calibration, OOD scores, plots and the
/// report — sees a method only through this protocol.
///
/// A method computes raw-output draws: for each of the model's M members, `draws` vectors of
/// raw outputs per input, which the head turns into the mixture's members. An ensemble's
/// predictive is therefore the equal-weight mixture over members of the method's draws.
///
/// Register a method by name (`UncertaintyMethods.register`) to have it chosen by
/// `--predictive NAME` and by `ProbabilisticModel.predictive(_:method:seed:)`.
public protocol UncertaintyMethod: Sendable {
    /// The registered name (`network`, `dropout`, `laplace`): `--predictive` and the
    /// report's `predictive` key.
    var name: String { get }
    /// The draws per member this method makes (the mixture has M · draws members).
    var draws: Int { get }
    /// The raw outputs of each draw, `(M · draws) × [N · rawOutputCount]` row-major,
    /// member-major (member j's draw t at index j · draws + t). Input i's draws depend only on
    /// the input, its global index `firstIndex + i` and `seed`, never on the batch.
    /// - Parameters:
    ///   - model: the model whose members are drawn from.
    ///   - features: `[N, …inputShape]` in the data's units.
    ///   - seed: the seed of every draw.
    ///   - firstIndex: the global index of the first input (when inputs are sharded).
    ///   - chunkSize: inputs per forward pass, to bound memory.
    func rawOutputDraws(of model: ProbabilisticModel, features: Tensor, seed: UInt64, firstIndex: Int,
                        chunkSize: Int) -> [[Float]]
}

/// A method that cannot be used as asked: a name not registered, a method that needs what
/// the model does not hold, or `--mc-samples` that contradicts it.
public struct UncertaintyMethodError: Error, CustomStringConvertible, Equatable {
    /// The whole message.
    public var description: String
    /// A refusal with its message.
    public init(_ description: String) { self.description = description }
}

/// The registry of uncertainty methods by name: `network`, `dropout`, `laplace` and
/// `laplace-nn` built in,
/// more by `register(_:make:)`.
public enum UncertaintyMethods {
    /// Builds a method for a model and T (`--mc-samples`), or throws `UncertaintyMethodError`
    /// when the pair does not suit it.
    public typealias Maker = @Sendable (_ model: ProbabilisticModel, _ mcSamples: Int) throws -> any UncertaintyMethod

    private static let registry = Mutex<[(name: String, make: Maker)]>([
        ("network", { _, t in
            guard t == 0 else {
                throw UncertaintyMethodError("--predictive network is the deterministic network; --mc-samples \(t) asks for MC dropout")
            }
            return NetworkMethod()
        }),
        ("dropout", { _, t in
            guard t > 0 else { throw UncertaintyMethodError("--predictive dropout needs --mc-samples T > 0 (the MC-dropout passes)") }
            return DropoutMethod(passes: t)
        }),
        ("laplace", { model, t in
            guard model.laplace != nil else {
                throw UncertaintyMethodError("--predictive laplace needs a Laplace posterior in the model: run likely laplace MODEL_DIR DATA, or fit with --laplace")
            }
            return LaplaceMethod(draws: t, head: model.head)
        }),
        (LaplaceNNMethod.name, { model, t in
            try LaplaceNNMethod.check(model)
            return LaplaceNNMethod(draws: t)
        }),
    ])

    /// The registered names, in registration order.
    public static var names: [String] { registry.withLock { $0.map(\.name) } }

    /// Registers `make` under `name` (lowercase), replacing a method of that name.
    public static func register(_ name: String, make: @escaping Maker) {
        let key = name.lowercased()
        registry.withLock { entries in
            entries.removeAll { $0.name == key }
            entries.append((key, make))
        }
    }

    /// The method registered as `name` for `model` and T.
    /// - Throws: `UncertaintyMethodError` for an unknown name or a pair it refuses.
    public static func named(_ name: String, for model: ProbabilisticModel, mcSamples: Int) throws -> any UncertaintyMethod {
        let key = name.lowercased()
        guard let make = registry.withLock({ $0.first { $0.name == key }?.make }) else {
            throw UncertaintyMethodError("--predictive: unknown method '\(name)'; expected one of \(names.joined(separator: ", "))")
        }
        return try make(model, mcSamples)
    }

    /// The default method: the Laplace predictive when the model holds a posterior, else MC
    /// dropout when T > 0, else the network.
    public static func defaultMethod(for model: ProbabilisticModel, mcSamples: Int) -> any UncertaintyMethod {
        if model.laplace != nil { return LaplaceMethod(draws: mcSamples, head: model.head) }
        return mcSamples > 0 ? DropoutMethod(passes: mcSamples) : NetworkMethod()
    }

    /// The method named `name`, or the default one when `name` is nil.
    public static func chosen(_ name: String?, for model: ProbabilisticModel, mcSamples: Int) throws -> any UncertaintyMethod {
        guard let name else { return defaultMethod(for: model, mcSamples: mcSamples) }
        return try named(name, for: model, mcSamples: mcSamples)
    }
}
