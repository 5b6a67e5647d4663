import Foundation
import Likely
import Testing

/// `TrainingRows`: how a fit drew its training rows, recorded so that they can be drawn again.
@Suite struct TrainingRowsTests {
    /// 50 rows, 20 of class 0 then 30 of class 1 (as targets), features their index.
    static var data: Dataset {
        Dataset(features: Tensor(shape: [50, 1], scalars: (0..<50).map(Float.init)),
                targets: Tensor((0..<50).map { $0 < 20 ? Float(0) : 1 }))
    }

    /// Sizes by hand. Not stratified: round(0.2 · 50) = 10 conformal, round(0.25 · 40) = 10
    /// validation, 30 train. Stratified, per class of 20 and 30: 4 and 6 conformal, of the 16
    /// and 24 left 4 and 6 validation, 12 and 18 train. Each time the parts cover every row
    /// once, and another seed draws other rows.
    @Test func partsHaveTheHandWorkedSizes() {
        func classes(_ rows: [Int]) -> [Int] { [rows.filter { $0 < 20 }.count, rows.filter { $0 >= 20 }.count] }
        for stratified in [false, true] {
            let parts = TrainingRows.parts(of: Self.data, seed: 1, conformalFraction: 0.2, validationFraction: 0.25, stratified: stratified)
            #expect((parts.train + parts.validation + parts.conformal).sorted() == Array(0..<50))
            if stratified {
                #expect(classes(parts.conformal) == [4, 6] && classes(parts.validation) == [4, 6] && classes(parts.train) == [12, 18])
            } else {
                #expect(parts.conformal.count == 10 && parts.validation.count == 10 && parts.train.count == 30)
            }
            let other = TrainingRows.parts(of: Self.data, seed: 2, conformalFraction: 0.2, validationFraction: 0.25, stratified: stratified)
            #expect(other.train != parts.train)
        }
        let none = TrainingRows.parts(of: Self.data, seed: 1, conformalFraction: 0, validationFraction: 0, stratified: false)
        #expect(none.train == Array(0..<50) && none.validation.isEmpty && none.conformal.isEmpty)
    }

    /// `FitPlan.fit` records its rows: the validation fraction it held out, the seed, and the
    /// data's checksum, which another row's value changes; the record survives a save and a
    /// load, and it draws 30 training and 10 validation rows again.
    @Test func fitRecordsItsRowsAndTheyLoadBack() throws {
        var plan = FitPlan(family: .normal)
        (plan.hidden, plan.epochs, plan.validationSplit, plan.seed) = ([4], 2, 0.25, 9)
        let data = FitPlanTests.data(rows: 40)
        let (model, _) = try plan.fit(data, kind: .table)
        let record = try #require(model.trainingRows)
        #expect(record.examples == 40 && record.seed == 9 && record.validationFraction == 0.25)
        #expect(record.conformalFraction == 0 && !record.stratified && record.matches(data))
        var scalars = data.targets.scalars
        scalars[17] += 1
        #expect(!record.matches(Dataset(features: data.features, targets: Tensor(scalars))))
        #expect(!record.matches(data.subset(Array(0..<39))))
        let parts = record.parts(of: data)
        #expect(parts.validation.count == 10 && parts.train.count == 30)

        let directory = ModelDirectoryTests.temporaryDirectory("training-rows")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try ModelDirectory.save(model, to: directory)
        #expect(try ModelDirectory.load(directory).trainingRows == record)
    }
}
