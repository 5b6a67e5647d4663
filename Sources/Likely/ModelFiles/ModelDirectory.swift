import Foundation

/// A model on disk: a directory holding `model.json` (architecture, head, links, scaling
/// statistics, class names, format version; `"members": M` for an ensemble of M > 1;
/// `"training_rows"` (`TrainingRows`) for a model of `FitPlan.fit`, optional in every version) and
/// `weights.safetensors` (every parameter and state tensor, float32 little endian, named
/// `"<layer>.<name>"`, for an ensemble `"member_j.<layer>.<name>"`). Each file is written to
/// a temporary name and renamed, so a crash mid-save never destroys the previous model.
public enum ModelDirectory {
    /// The format this build writes for a model without a Laplace posterior.
    public static let formatVersion = 1
    /// The format of a model holding a Laplace posterior (`model.json`'s `laplace` entry).
    public static let laplaceFormatVersion = 2
    static let formatName = "likely-model"
    /// The files `save` writes into a model directory (`ModelLayout.savedNames`).
    public static let fileNames = ModelLayout.savedNames

    /// What `model.json` holds.
    struct Description: Codable {
        var format: String
        var formatVersion: Int
        var likelyVersion: String
        var inputShape: [Int]
        var layers: [LayerSpec]
        var head: Head
        var featureScaling: Standardizer?
        var targetScaling: TargetScaling?
        var classNames: [String]?
        var featureNames: [String]?
        var targetName: String?
        var featureEncoding: TableEncoding?
        var conformal: ConformalCalibration?
        /// M, the ensemble's members; absent for one network (files before ensembles too).
        var members: Int?
        /// The Laplace posteriors (format version 2).
        var laplace: LaplaceEntry?
        /// How the fit drew its training rows; absent in files of other fits and older builds.
        var trainingRows: TrainingRows?

        /// The schema's fields, at the top level of `model.json`.
        var schema: ModelSchema {
            ModelSchema(featureNames: featureNames, featureEncoding: featureEncoding, targetName: targetName,
                        classNames: classNames, featureScaling: featureScaling, targetScaling: targetScaling)
        }

        init(format: String, formatVersion: Int, likelyVersion: String, inputShape: [Int], layers: [LayerSpec], head: Head,
             schema: ModelSchema, conformal: ConformalCalibration?, members: Int?) {
            (self.format, self.formatVersion, self.likelyVersion) = (format, formatVersion, likelyVersion)
            (self.inputShape, self.layers, self.head) = (inputShape, layers, head)
            (featureScaling, targetScaling, classNames) = (schema.featureScaling, schema.targetScaling, schema.classNames)
            (featureNames, targetName, featureEncoding) = (schema.featureNames, schema.targetName, schema.featureEncoding)
            (self.conformal, self.members) = (conformal, members)
        }
    }

    /// What `save` wrote that a command may print.
    public struct Saved {
        /// `model.json`'s `laplace` entry as written, one line of JSON (keys sorted, snake
        /// case), or nil when the model holds no posterior.
        public var laplaceEntryJSON: String?
    }

    /// Writes `model` (and, if given, `history.csv`) into `directory`, creating it if needed.
    @discardableResult
    public static func save(_ model: ProbabilisticModel, to directory: String, history: History? = nil) throws -> Saved {
        let url = URL(fileURLWithPath: directory)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ModelFileError(file: directory, "cannot create the model directory: \(error.localizedDescription)")
        }
        let (files, entry) = try files(model, history: history, in: directory)
        try writeTogether(files, in: directory)
        if model.laplace == nil {  // a refit's posterior would be stale
            let stale = url.appendingPathComponent(laplaceFileName)
            if OutputFile.existing(stale.path) != .nothing { try? FileManager.default.removeItem(at: stale) }
        }
        return Saved(laplaceEntryJSON: entry.flatMap(laplaceEntryLine))
    }

    /// The bytes of the files `save` writes into `directory`, weights first, each encoded once,
    /// and `model.json`'s `laplace` entry (with the checksums of those bytes).
    static func files(_ model: ProbabilisticModel, history: History?, in directory: String) throws
        -> (files: [(name: String, data: Data)], laplaceEntry: LaplaceEntry?) {
        let weights = weightsFile(model)
        var files = [(ModelLayout.weightsName, weights)], entry: LaplaceEntry?
        if let laplace = model.laplace {
            let factors = laplaceFile(laplace, members: model.memberCount)
            files.append((laplaceFileName, factors))
            entry = laplaceEntry(laplace, weights: weights, factors: factors)
        }
        files.append((ModelLayout.descriptionName, try descriptionJSON(model, laplace: entry, file: ModelLayout(directory).descriptionFile.path)))
        if let history { files.append((ModelLayout.historyName, Data(history.csv.utf8))) }
        return (files, entry)
    }

    /// Writes the named files into `directory` as one save: each is staged to a temporary
    /// file first (the slow part) and the renames follow back to back, under an exclusive
    /// lock on the directory, so two processes saving to the same directory leave one
    /// complete model, never a mix, and a failure before the renames leaves the old model
    /// whole.
    static func writeTogether(_ files: [(name: String, data: Data)], in directory: String) throws {
        let lock = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lock >= 0 else { throw ModelFileError(file: directory, "cannot open the model directory: \(String(cString: strerror(errno)))") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        var staged: [StagedFile] = []
        do {
            for (name, data) in files {
                staged.append(try OutputFile.stage(data, for: URL(fileURLWithPath: directory).appendingPathComponent(name).path))
            }
            for file in staged { try file.commit() }
        } catch {
            staged.forEach { $0.discard() }
            throw error
        }
        _ = fsync(lock)  // the renames themselves reach the disk
    }

    /// Rewrites only `model.json` of an existing model directory (atomically): for what lives
    /// there alone, such as the conformal calibration; the weights are left as they are.
    public static func saveDescription(_ model: ProbabilisticModel, to directory: String) throws {
        let url = ModelLayout(directory).descriptionFile
        let entry = model.laplace.map { laplaceEntry($0, weights: weightsFile(model), factors: laplaceFile($0, members: model.memberCount)) }
        try writeAtomically(try descriptionJSON(model, laplace: entry, file: url.path), to: url)
    }

    /// The bytes of `weights.safetensors`.
    static func weightsFile(_ model: ProbabilisticModel) -> Data {
        Safetensors.encode(model.namedTensors.map { ($0.name, $0.tensor) }, metadata: ["format": formatName])
    }

    /// The text of `model.json`, with the `laplace` entry of the model's posterior (nil without one).
    static func descriptionJSON(_ model: ProbabilisticModel, laplace: LaplaceEntry?, file: String) throws -> Data {
        var description = Description(
            format: formatName, formatVersion: model.laplace == nil ? formatVersion : laplaceFormatVersion, likelyVersion: likelyVersion,
            inputShape: model.inputShape, layers: model.layerSpecs, head: model.head,
            schema: model.schema, conformal: model.conformal,
            members: model.memberCount > 1 ? model.memberCount : nil)
        description.laplace = laplace
        description.trainingRows = model.trainingRows
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .throw
        do { return try encoder.encode(description) } catch {
            throw ModelFileError(file: file, "cannot encode the model: \(error)")
        }
    }

    /// Reads and validates a model directory.
    /// - Throws: `ModelFileError` naming the file and the field for anything missing, corrupt,
    ///   truncated or mismatched (a tensor's shape against the architecture, a missing or extra tensor).
    public static func load(_ directory: String) throws -> ProbabilisticModel {
        let layout = ModelLayout(directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelFileError(file: directory, "not a model directory (expected a directory with model.json and weights.safetensors)")
        }
        let description = try readDescription(layout.descriptionFile)
        let model = try build(description, file: layout.descriptionFile.path, weightsBytes: fileSize(layout.weightsFile))
        let weights = try contents(layout.weightsFile)
        let tensors = try Safetensors.decode(weights, file: layout.weightsFile.path).tensors
        try assign(tensors, to: model.namedTensors, file: layout.weightsFile.path, members: model.memberCount)
        if let entry = description.laplace { try loadLaplace(entry, into: model, directory: layout.directory, weights: weights) }
        return model
    }

    /// The bytes of a model file, which must be a regular file (a FIFO could block forever).
    static func contents(_ url: URL) throws -> Data {
        guard OutputFile.existing(url.path) != .nothing else {
            throw ModelFileError(file: url.path, "missing; a model directory written by likely fit holds model.json and weights.safetensors")
        }
        do {
            return Data(try FileInput.readAll(url.path))
        } catch let error as DataError {
            throw ModelFileError(file: url.path, error.problem)
        }
    }

    static func readDescription(_ url: URL) throws -> Description {
        let data = try contents(url)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let description: Description
        do {
            description = try decoder.decode(Description.self, from: data)
        } catch let error as DecodingError {
            throw ModelFileError(file: url.path, ModelFileDecoding.describe(error, json: data))
        } catch {
            throw ModelFileError(file: url.path, "not valid JSON: \(error.localizedDescription)")
        }
        guard description.format == formatName else {
            throw ModelFileError(file: url.path, "field format: expected \"\(formatName)\", got \"\(description.format)\"")
        }
        guard [formatVersion, laplaceFormatVersion].contains(description.formatVersion) else {
            throw ModelFileError(file: url.path, "field format_version: this build reads versions \(formatVersion) and \(laplaceFormatVersion), the file has \(description.formatVersion)")
        }
        guard description.laplace == nil || description.formatVersion == laplaceFormatVersion else {
            throw ModelFileError(file: url.path, "field laplace: a Laplace entry needs format_version \(laplaceFormatVersion), the file has \(description.formatVersion)")
        }
        return description
    }

    /// The size in bytes of a model file (`nil` when it cannot be read: loading it then says why).
    static func fileSize(_ url: URL) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int
    }

    /// The model `d` describes, with fresh weights.
    /// - Parameter weightsBytes: the size of the weights file, checked against the members'
    ///   size before members 1... are allocated (`nil`: not checked).
    static func build(_ d: Description, file: String, weightsBytes: Int? = nil) throws -> ProbabilisticModel {
        let memberCount = d.members ?? 1
        guard (1...ProbabilisticModel.maximumMemberCount).contains(memberCount) else {
            throw ModelFileError(file: file, "field members: expected an integer in 1...\(ProbabilisticModel.maximumMemberCount), got \(memberCount)")
        }
        guard !d.inputShape.isEmpty, d.inputShape.allSatisfy({ $0 > 0 && $0 <= 1 << 20 }), elementCount(d.inputShape) <= 1 << 26 else {
            throw ModelFileError(file: file, "field input_shape: expected positive extents, got \(d.inputShape)")
        }
        guard (2...Dataset.maximumClassCount).contains(d.head.classCount), (1...1000).contains(d.head.components) else {
            throw ModelFileError(file: file, "field head: class_count must be 2…\(Dataset.maximumClassCount) and components 1…1000")
        }
        guard d.head.temperature > 0 && d.head.temperature.isFinite else {
            throw ModelFileError(file: file, "field head.temperature: expected a positive number, got \(d.head.temperature)")
        }
        if let t = d.head.temperatureMcSamples, t < 0 {
            throw ModelFileError(file: file, "field head.temperature_mc_samples: expected T ≥ 0, got \(t)")
        }
        if let name = d.head.temperaturePredictive {
            let t = d.head.temperatureMcSamples ?? -1
            let fits = t >= 0 && (name == LaplaceMethod.name || name == ConformalCalibration.predictiveName(mcSamples: t))
            guard fits else {
                throw ModelFileError(file: file, "field head.temperature_predictive: expected network (with temperature_mc_samples 0), dropout (T > 0) or laplace (T ≥ 0), got \"\(name)\" with temperature_mc_samples \(d.head.temperatureMcSamples.map(String.init) ?? "missing")")
            }
        }
        var random = RandomSource(seed: 0)
        let network: Sequential
        do {
            network = try Sequential(specs: d.layers, inputShape: d.inputShape, using: &random)
        } catch {
            throw ModelFileError(file: file, "field layers: \(error)")
        }
        // Size the other members before allocating them: M members of this network need
        // M × (its floats) × 4 bytes of weights, which the weights file must hold.
        let floats = network.namedTensors.reduce(0) { $0 + $1.tensor.count }
        if memberCount > 1, let weightsBytes {
            let (needed, overflow) = (floats * 4).multipliedReportingOverflow(by: memberCount)
            guard !overflow, needed <= weightsBytes else {
                throw ModelFileError(file: file, "field members: \(memberCount) members of \(floats) weights each need \(overflow ? "more than \(Int.max)" : "\(needed)") bytes of weights; weights.safetensors has \(weightsBytes)")
            }
        }
        let outputs = network.outputShape(for: d.inputShape)
        guard outputs == [d.head.rawOutputCount] else {
            throw ModelFileError(file: file, "field head: the layers output \(outputs) values but the \(d.head.family.name) head needs \(d.head.rawOutputCount)")
        }
        if let s = d.featureScaling, s.featureShape != d.inputShape || s.mean.count != elementCount(d.inputShape) || s.standardDeviation.count != s.mean.count {
            throw ModelFileError(file: file, "field feature_scaling: expected \(elementCount(d.inputShape)) means and standard deviations for input shape \(d.inputShape)")
        }
        if let s = d.featureScaling, let i = s.mean.indices.first(where: { !(s.mean[$0].isFinite && s.standardDeviation[$0] > 0 && s.standardDeviation[$0].isFinite) }) {
            throw ModelFileError(file: file, "field feature_scaling: feature \(i + 1) has mean \(s.mean[i]) and standard deviation \(s.standardDeviation[i]); expected a finite mean and a positive standard deviation")
        }
        if let s = d.featureScaling, s.minimum != nil || s.maximum != nil {
            let low = s.minimum ?? [], high = s.maximum ?? []
            guard low.count == s.mean.count, high.count == s.mean.count, zip(low, high).allSatisfy({ $0 <= $1 }) else {
                throw ModelFileError(file: file, "field feature_scaling: expected a minimum and a maximum for each of the \(s.mean.count) features, each minimum ≤ its maximum")
            }
        }
        if let t = d.targetScaling, !(t.standardDeviation > 0 && t.standardDeviation.isFinite && t.mean.isFinite) {
            throw ModelFileError(file: file, "field target_scaling: expected a finite mean and a positive standard deviation")
        }
        if let names = d.classNames, d.head.family.support == .classes, names.count != d.head.classCount {
            throw ModelFileError(file: file, "field class_names: \(names.count) names for a head of \(d.head.classCount) classes")
        }
        if let e = d.featureEncoding {
            guard d.inputShape == [e.width] else {
                throw ModelFileError(file: file, "field feature_encoding: its columns give \(e.width) inputs, input_shape is \(d.inputShape)")
            }
            guard d.featureNames == nil || d.featureNames! == e.columns.map(\.name) else {
                throw ModelFileError(file: file, "field feature_encoding: its columns \(e.columns.map(\.name)) are not feature_names \(d.featureNames!)")
            }
            if let bad = e.columns.first(where: { c in c.categories.map { $0.isEmpty || Set($0).count != $0.count } ?? false }) {
                throw ModelFileError(file: file, "field feature_encoding: column \"\(bad.name)\" needs distinct categories, at least one")
            }
            if let bad = e.columns.first(where: { $0.fill.map { !$0.isFinite } ?? false }) {
                throw ModelFileError(file: file, "field feature_encoding: column \"\(bad.name)\" has a non-finite fill")
            }
            if let bad = e.columns.first(where: { $0.width > TableEncoding.maximumCompactCategories }) {
                throw ModelFileError(file: file, "field feature_encoding: column \"\(bad.name)\" has \(bad.width) categories, more than \(TableEncoding.maximumCompactCategories)")
            }
            // Compact table features (`TableEncoding.isCompact`) go into a dense first layer.
            if e.isCompact, !(network.layers.first is Dense) {
                throw ModelFileError(file: file, "field layers: a table of \(e.width) one-hot inputs is held compactly and needs a dense first layer, not \(network.layers.first?.kindName ?? "none")")
            }
        }
        var networks = [network]
        for _ in 1..<memberCount {
            do { networks.append(try Sequential(specs: d.layers, inputShape: d.inputShape, using: &random)) } catch {
                throw ModelFileError(file: file, "field layers: \(error)")
            }
        }
        let model = ProbabilisticModel(members: networks, head: d.head, inputShape: d.inputShape)
        model.schema = d.schema
        if let c = d.conformal {
            guard c.method.isForClassification == d.head.family.support.isClassification else {
                throw ModelFileError(file: file, "field conformal.method: the \(c.method.rawValue) score does not apply to a \(d.head.family.name) head")
            }
            model.conformal = c
        }
        if let rows = d.trainingRows {
            let classes = d.head.family.support.isClassification
            guard rows.examples > 0, (0..<1).contains(rows.conformalFraction), (0..<1).contains(rows.validationFraction),
                  rows.stratified == classes else {
                throw ModelFileError(file: file, "field training_rows: expected examples ≥ 1, conformal_fraction and validation_fraction in [0, 1) and stratified \(classes) for a \(d.head.family.name) head, got \(rows.examples), \(rows.conformalFraction), \(rows.validationFraction) and \(rows.stratified)")
            }
            model.trainingRows = rows
        }
        return model
    }

    /// Loads named tensors into the model's parameters and state (every member's), checking
    /// names and shapes: the file must hold exactly the model's members.
    static func loadWeights(_ url: URL, into model: ProbabilisticModel) throws {
        let tensors = try Safetensors.decode(try contents(url), file: url.path).tensors
        try assign(tensors, to: model.namedTensors, file: url.path, members: model.memberCount)
    }

    /// Copies `tensors` into `targets` by name; every target must be present with its shape,
    /// and no tensor may be left over.
    /// - Parameter members: M of the model, for the messages of a file with other members.
    static func assign(_ tensors: [String: Tensor], to targets: [NamedTensor], file: String, members: Int = 1) throws {
        for target in targets {
            guard let stored = tensors[target.name] else {
                let fileMembers = Set(tensors.keys.compactMap(memberIndex)).count
                if fileMembers != (members > 1 ? members : 0) {
                    throw ModelFileError(file: file, "holds the weights of \(max(fileMembers, 1)) member(s) but model.json field members says \(members): tensor '\(target.name)' is missing")
                }
                throw ModelFileError(file: file, "tensor '\(target.name)' is missing")
            }
            guard stored.shape == target.tensor.shape else {
                throw ModelFileError(file: file, "tensor '\(target.name)' has shape \(stored.shape), the architecture needs \(target.tensor.shape)")
            }
            if let bad = stored.scalars.first(where: { !$0.isFinite }) {
                throw ModelFileError(file: file, "tensor '\(target.name)' holds a non-finite value (\(bad))")
            }
        }
        let expected = Set(targets.map(\.name))
        if let extra = tensors.keys.sorted().first(where: { !expected.contains($0) }) {
            if let j = memberIndex(extra), j >= members || members == 1 {
                throw ModelFileError(file: file, "tensor '\(extra)' belongs to member \(j), but model.json field members says \(members)")
            }
            throw ModelFileError(file: file, "tensor '\(extra)' does not belong to the architecture")
        }
        for target in targets { target.tensor.scalars = tensors[target.name]!.scalars }
    }

    /// j of a tensor named `member_j.…`.
    static func memberIndex(_ name: String) -> Int? {
        guard name.hasPrefix("member_"), let dot = name.firstIndex(of: ".") else { return nil }
        return Int(name[name.index(name.startIndex, offsetBy: 7)..<dot])
    }
}

/// The release this build belongs to: written into model files and printed by `likely --version`.
public let likelyVersion = "0.3.0"
