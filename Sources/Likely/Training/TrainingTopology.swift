/// How the work of a fit is divided among processes: the one seam between
/// `ProbabilisticModel.fit` and distributed training.
///
/// `fit` asks the topology which members this process trains, which micro-batches of each
/// global batch it computes, how a step's gradient buffers of all processes are added, what
/// happens at the end of each epoch and how the members' histories meet at the end. Three
/// topologies ship: ``SingleProcessTraining`` (the default), ``DataParallelTraining`` and
/// ``MemberParallelTraining``; `TrainingOptions.distribute(over:members:)` picks one of the
/// last two. Every requirement but `sumsEveryStep` has a single-process default.
public protocol TrainingTopology {
    /// Whether every gradient step is a collective of all processes (data-parallel training).
    /// Then an ensemble's members are trained one after another, in the same order on every
    /// process; otherwise several members may train at the same time, one core each.
    var sumsEveryStep: Bool { get }
    /// The members of an ensemble of `count` that this process trains, in order.
    func trainedMembers(of count: Int) -> [Int]
    /// The micro-batches (indices into the global batch's `all`) that this process computes.
    func microBatches(of all: Range<Int>) -> Range<Int>
    /// Adds the step's gradient buffers of all processes in place: every trainable gradient
    /// in parameter order, then the loss, in Double.
    func sumGradients(_ buffer: inout [Double]) throws
    /// Called at the end of each epoch's steps, before validation, with the network trained.
    func endEpoch(of network: ProbabilisticModel) throws
    /// Called once this process's members are trained, before temperature scaling, with the
    /// histories of the members it trained (in `trainedMembers` order); returns every member's
    /// history in member order, every member's weights in `model`.
    func gatherMembers(of model: ProbabilisticModel, histories: [History]) throws -> [History]
}

extension TrainingTopology {
    public func trainedMembers(of count: Int) -> [Int] { Array(0..<count) }
    public func microBatches(of all: Range<Int>) -> Range<Int> { all }
    public func sumGradients(_ buffer: inout [Double]) throws {}
    public func endEpoch(of network: ProbabilisticModel) throws {}
    public func gatherMembers(of model: ProbabilisticModel, histories: [History]) throws -> [History] { histories }
}

/// One process trains everything: every member, every micro-batch (the default topology).
public struct SingleProcessTraining: TrainingTopology {
    public var sumsEveryStep: Bool { false }
    public init() {}
}
