import Foundation

/// What a model knows of its data besides its weights, one Codable value: the feature columns
/// and how they become inputs, the scalings fitted in training, the target and the class
/// names. The readers produce it (`CSVTable.schema`), the model carries it
/// (`ProbabilisticModel.schema`, saved in `model.json` under the same keys as its fields), and
/// `CSVOptions(readingFor:…)` reads a table the way the model was trained.
public struct ModelSchema: Codable, Equatable, Sendable {
    /// The feature columns the model was trained on (tables).
    public var featureNames: [String]?
    /// How the feature columns become the inputs: numbers, one-hot categories, the
    /// missing-cell policy and imputed values (tables).
    public var featureEncoding: TableEncoding?
    /// The target column (tables).
    public var targetName: String?
    /// The class names, in class-index order (classification).
    public var classNames: [String]?
    /// Feature standardization fitted on the training data (tables).
    public var featureScaling: Standardizer?
    /// Target standardization fitted on the training data (location-scale and positive families).
    public var targetScaling: TargetScaling?

    /// A schema of the given fields (every one `nil` by default: an array or image model
    /// before training).
    public init(featureNames: [String]? = nil, featureEncoding: TableEncoding? = nil, targetName: String? = nil,
                classNames: [String]? = nil, featureScaling: Standardizer? = nil, targetScaling: TargetScaling? = nil) {
        self.featureNames = featureNames
        self.featureEncoding = featureEncoding
        self.targetName = targetName
        self.classNames = classNames
        self.featureScaling = featureScaling
        self.targetScaling = targetScaling
    }
}

extension CSVTable {
    /// The table's columns, encoding, target and class names (no scalings: `fit` fits them).
    public var schema: ModelSchema {
        ModelSchema(featureNames: columnNames, featureEncoding: encoding, targetName: targetName, classNames: classNames)
    }
}

extension CSVOptions {
    /// Options that read a CSV table the way `model` was trained: its feature columns and their
    /// encoding, its target column and class names (a table with the target, `targets`), or
    /// the features alone. Without targets a row with a missing cell is an error rather than
    /// dropped, so that every input row has an output row.
    /// - Parameters:
    ///   - keep: columns whose text is copied into `CSVTable.keptCells`.
    ///   - unknownCategories: what a category unseen in training does.
    public init(readingFor model: ProbabilisticModel, targets: Bool, keep: [String] = [],
                unknownCategories: UnknownCategoryPolicy = .error) {
        var encoding = model.featureEncoding ?? model.featureNames.map { TableEncoding.numeric($0) }
        if !targets, encoding?.missing == .drop { encoding?.missing = .error }
        self.init(target: targets ? model.targetName : nil, features: model.featureNames,
                  targetKind: model.head.family.support.isClassification ? .classes : .numeric,
                  classNames: targets ? model.classNames : nil,
                  targetDefaultsToLastColumn: targets, encoding: encoding, keep: keep,
                  unknownCategories: unknownCategories)
    }
}
