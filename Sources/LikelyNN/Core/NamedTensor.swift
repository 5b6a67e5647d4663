import LikelyTensor

/// A tensor of a layer or model together with its name.
///
/// Learnable weights are leaves whose `requiresGradient` is their *trainable* flag: freezing
/// a layer turns it off, so the tape neither records nor returns gradients for them. Names
/// are dotted paths (`"0.weight"`, `"5.body.0.bias"`) that stay stable for a given
/// architecture: they are the keys of a weights file and of an optimizer's state.
public struct NamedTensor {
    /// The dotted path of the tensor inside its layer or model.
    public var name: String
    /// The tensor itself (shared by reference with its layer).
    public var tensor: Tensor

    /// Pairs a name with a tensor.
    public init(name: String, tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }

    /// Whether an optimizer updates this tensor (its `requiresGradient` flag).
    public var isTrainable: Bool { tensor.requiresGradient }

    /// This entry with `prefix.` in front of its name.
    public func prefixed(_ prefix: String) -> NamedTensor {
        NamedTensor(name: "\(prefix).\(name)", tensor: tensor)
    }
}
