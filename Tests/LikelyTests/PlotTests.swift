import Foundation
import Likely
import LikelyTensor
import Testing

/// Every plot: well-formed XML, the expected elements, no non-finite coordinate (also for
/// degenerate data). The typical cases are also saved under the temporary directory
/// (`likely-plot-tests/`) for rendering with rsvg-convert and looking at them.
@Suite struct PlotTests {
    static let outputDirectory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("likely-plot-tests").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func inspect(_ svg: String, saveAs name: String? = nil) throws -> PlotSVGInspector {
        if let name { try Plots.write(svg, to: Self.outputDirectory + "/" + name + ".svg") }
        let inspector = PlotSVGInspector(svg)
        #expect(inspector.wellFormed, "SVG is not well-formed XML")
        #expect(inspector.nonFiniteAttributes.isEmpty, "non-finite attributes: \(inspector.nonFiniteAttributes.prefix(5))")
        #expect(inspector.count(element: "svg") == 1)
        #expect(!svg.lowercased().contains("nan"))
        return inspector
    }

    @Test func lossCurves() throws {
        let training: [Double] = (1...20).map { (e: Int) -> Double in 1.2 * Foundation.exp(-Double(e) / 6) + 0.3 }
        let validation: [Double] = (1...20).map { (e: Int) -> Double in 1.1 * Foundation.exp(-Double(e) / 7) + 0.38 + 0.002 * Double(e) }
        let svg = try inspect(Plots.lossCurves(training: training, validation: validation), saveAs: "loss")
        #expect(svg.count(className: "series-training") == 1 && svg.count(className: "series-validation") == 1)
        #expect(svg.texts.contains("epoch") && svg.texts.contains("validation"))
        // Degenerate: one epoch, constant, NaN and infinite values, nothing at all.
        _ = try inspect(Plots.lossCurves(training: [0.5]))
        _ = try inspect(Plots.lossCurves(training: [1, 1, 1], validation: [1, 1, 1]))
        _ = try inspect(Plots.lossCurves(training: [.nan, 2, .infinity, 1], validation: [.nan]))
        _ = try inspect(Plots.lossCurves(training: []))
    }

    @Test func reliabilityDiagram() throws {
        var random = RandomSource(seed: 8)
        var confidences: [Double] = [], correct: [Bool] = []
        for _ in 0..<3000 {
            let c = 0.3 + 0.7 * pow(random.uniform(), 0.4)
            confidences.append(c)
            correct.append(random.uniform() < c - 0.12 * c * (1 - c) * 4)  // mildly over-confident
        }
        let diagram = ReliabilityDiagram(confidences: confidences, correct: correct, binCount: 15)
        let svg = try inspect(Plots.reliabilityDiagram(diagram), saveAs: "reliability")
        #expect(svg.count(className: "bar") == 15)
        let nonEmpty = diagram.counts.filter { $0 > 0 }.count
        #expect(svg.count(className: "count") == nonEmpty && svg.count(className: "mean-confidence") == nonEmpty)
        for count in diagram.counts where count > 0 { #expect(svg.texts.contains("\(count)")) }
        #expect(svg.count(className: "diagonal") == 1)
        // Degenerate: no observations, everything in one bin, one bin only.
        let empty = try inspect(Plots.reliabilityDiagram(ReliabilityDiagram(confidences: [], correct: [], binCount: 10)))
        #expect(empty.count(className: "bar") == 10 && empty.count(className: "count") == 0)
        _ = try inspect(Plots.reliabilityDiagram(ReliabilityDiagram(confidences: [1, 1], correct: [true, true], binCount: 15)))
        _ = try inspect(Plots.reliabilityDiagram(ReliabilityDiagram(confidences: [0.4], correct: [false], binCount: 1)))
    }

    @Test func pitHistogramAndCoverage() throws {
        var random = RandomSource(seed: 9)
        // PIT of N(0, 1.3²) data under an N(0, 1) model: over-confident, a U shape.
        let pit = (0..<2000).map { _ in 0.5 * erfc(-random.normal(mean: 0, standardDeviation: 1.3) / 2.0.squareRoot()) }
        let svg = try inspect(Plots.pitHistogram(PITHistogram(values: pit, binCount: 20)), saveAs: "pit")
        #expect(svg.count(className: "bar") == 20 && svg.count(className: "uniform") == 1)
        _ = try inspect(Plots.pitHistogram(PITHistogram(values: [], binCount: 10)))
        _ = try inspect(Plots.pitHistogram(PITHistogram(values: [0.5, 0.5, 0.5], binCount: 1)))

        let coverage = IntervalCoverage(levels: [0.5, 0.8, 0.9, 0.95], observed: [0.41, 0.7, 0.82, 0.9], count: 2000)
        let c = try inspect(Plots.coverageCurve(coverage), saveAs: "coverage")
        #expect(c.count(className: "point") == 4 && c.count(className: "coverage") == 1)
        _ = try inspect(Plots.coverageCurve(IntervalCoverage(levels: [], observed: [], count: 0)))
        _ = try inspect(Plots.coverageCurve(IntervalCoverage(levels: [0.5], observed: [.nan], count: 0)))
    }

    @Test func regressionBands() throws {
        var random = RandomSource(seed: 10)
        let sigma = { (x: Double) in 0.15 + 0.35 * abs(x) }
        let dataX = (0..<300).map { _ in random.uniform() * 3 - 1.5 }
        let dataY = dataX.map { sin(2 * $0) + random.normal(mean: 0, standardDeviation: sigma($0)) }
        let grid = (0..<121).map { -2.0 + 4.0 * Double($0) / 120 }
        let mean = grid.map { sin(2 * $0) }
        let aleatoric = grid.map(sigma)
        let epistemic = grid.map { 0.05 + 0.5 * max(abs($0) - 1.5, 0) }
        let totalSD = zip(aleatoric, epistemic).map { ($0 * $0 + $1 * $1).squareRoot() }
        let svg = try inspect(Plots.regressionBands(
            dataX: dataX, dataY: dataY, gridX: grid, mean: mean,
            total: [0.5, 0.95].map { PredictiveBand.normal(mean: mean, standardDeviation: totalSD, level: $0) },
            aleatoric: [0.5, 0.95].map { PredictiveBand.normal(mean: mean, standardDeviation: aleatoric, level: $0) }),
            saveAs: "regression")
        #expect(svg.count(className: "band-total") == 2 && svg.count(className: "band-aleatoric") == 4)
        #expect(svg.count(className: "data") == 300 && svg.count(className: "mean") == 1)
        #expect(svg.texts.contains("total 95% interval") && svg.texts.contains("aleatoric 50% interval"))
        // 95% band of N(μ, σ) is μ ± 1.959964σ (scipy.stats.norm.ppf(0.975)).
        let band = PredictiveBand.normal(mean: [1], standardDeviation: [2], level: 0.95)
        #expect(abs(band.upper[0] - (1 + 2 * 1.959963984540054)) < 1e-9)
        // Degenerate: zero variance, one constant x, no data.
        let flat = PredictiveBand.normal(mean: [2, 2], standardDeviation: [0, 0], level: 0.5)
        _ = try inspect(Plots.regressionBands(dataX: [1, 1], dataY: [2, 2], gridX: [1, 1], mean: [2, 2], total: [flat], aleatoric: [flat]))
        _ = try inspect(Plots.regressionBands(dataX: [], dataY: [], gridX: [], mean: [], total: []))
    }

    /// A shaded x interval (the demo's gap) is one grey column with its legend entry, clipped
    /// to the axes; one entirely outside the data's range draws nothing.
    @Test func regressionBandsWithAShadedGap() throws {
        let grid = (0..<41).map { -4.0 + 0.2 * Double($0) }
        let band = PredictiveBand.normal(mean: grid, standardDeviation: grid.map { _ in 0.5 }, level: 0.9)
        let svg = try inspect(Plots.regressionBands(dataX: grid, dataY: grid, gridX: grid, mean: grid, total: [band],
                                                    shaded: [(0.5...3, "no training data"), (10...12, "off the axes")]),
                              saveAs: "regression-gap")
        #expect(svg.count(className: "shaded") == 1)
        #expect(svg.texts.contains("no training data") && !svg.texts.contains("off the axes"))
    }

    @Test func rocAndPrecisionRecall() throws {
        var random = RandomSource(seed: 12)
        let labels = (0..<600).map { _ in random.uniform() < 0.3 }
        let scores: [Double] = labels.map { (positive: Bool) -> Double in
            let z = (positive ? 1.2 : -0.6) + random.normal(mean: 0, standardDeviation: 1)
            return 1 / (1 + Foundation.exp(-z))
        }
        let roc = try inspect(Plots.rocCurve(ROCCurve(scores: scores, labels: labels)), saveAs: "roc")
        #expect(roc.count(className: "curve") == 1 && roc.count(className: "diagonal") == 1)
        #expect(roc.texts.contains { $0.hasPrefix("ROC, AUC = 0.") })
        let pr = try inspect(Plots.precisionRecallCurve(PrecisionRecallCurve(scores: scores, labels: labels)), saveAs: "pr")
        #expect(pr.count(className: "curve") == 1 && pr.count(className: "chance") == 1)
        // Degenerate: one class, constant scores.
        let single = try inspect(Plots.rocCurve(ROCCurve(scores: [0.2, 0.4], labels: [false, false])))
        #expect(single.texts.contains { $0.contains("undefined") })
        _ = try inspect(Plots.precisionRecallCurve(PrecisionRecallCurve(scores: [0.2, 0.4], labels: [false, false])))
        _ = try inspect(Plots.rocCurve(ROCCurve(scores: [0.5, 0.5, 0.5], labels: [true, false, true])))
        _ = try inspect(Plots.precisionRecallCurve(PrecisionRecallCurve(scores: [0.5, 0.5], labels: [true, false])))
    }

    @Test func imageGridAndFilters() throws {
        // Six 12×12 synthetic "images": rings and bars.
        var pixels = [Float]()
        for i in 0..<6 {
            for y in 0..<12 { for x in 0..<12 {
                let r = ((Double(x) - 5.5) * (Double(x) - 5.5) + (Double(y) - 5.5) * (Double(y) - 5.5)).squareRoot()
                pixels.append(i % 2 == 0 ? Float(abs(r - Double(i)) < 1.5 ? 1 : 0) : Float((x + i) % 4 < 2 ? 0.9 : 0.1))
            } }
        }
        let images = Tensor(shape: [6, 12, 12, 1], scalars: pixels)
        let grid = try inspect(Plots.imageGrid(images, captions: (0..<6).map { "p=0.\($0 + 3) <\($0)>" }, columns: 3, title: "Examples"), saveAs: "images")
        #expect(grid.count(className: "pixel") == 6 * 144 && grid.count(className: "image") == 6)
        #expect(grid.count(className: "caption") == 6 && grid.texts.contains("p=0.3 <0>"))
        // Filters [3, 3, 1, 8] with seeded weights.
        var random = RandomSource(seed: 13)
        let kernel = Tensor(shape: [3, 3, 1, 8], scalars: (0..<72).map { _ in Float(random.normal(mean: 0, standardDeviation: 0.4)) })
        let filters = try inspect(Plots.convolutionFilters(kernel), saveAs: "filters")
        #expect(filters.count(className: "pixel") == 72 && filters.count(className: "caption") == 8)
        // The kernel's (y 0, x 1, in 0, out 5) weight lands at filter 5, row 0, column 1.
        let filterImages = Plots.convolutionFilters(Tensor(shape: [1, 2, 1, 6], scalars: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))
        #expect(filterImages.contains("fill=\"#ff2626\""))
        // Degenerate: constant, zero, NaN, RGB, no images.
        _ = try inspect(Plots.imageGrid(Tensor.full(0.5, shape: [2, 4, 4, 1])))
        _ = try inspect(Plots.convolutionFilters(Tensor.zeros([3, 3, 2, 4])))
        _ = try inspect(Plots.imageGrid(Tensor(shape: [1, 1, 2, 1], scalars: [.nan, .infinity])))
        _ = try inspect(Plots.imageGrid(Tensor.randomUniform([2, 5, 5, 3], using: &random)))
        _ = try inspect(Plots.imageGrid(Tensor.zeros([0, 28, 28, 1])))
    }

    @Test func atomicWrite() throws {
        let directory = Self.outputDirectory + "/write-test"  // its own folder: other tests write in parallel
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/plot.svg"
        try Plots.write("<svg/>", to: path)
        try Plots.write("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["plot.svg"], "no temporary file is left")
        let missing = "/nonexistent-likely-dir/plot.svg"
        #expect { try Plots.write("<svg/>", to: missing) } throws: { error in
            (error as? OutputError).map { "\($0)".contains(missing) } ?? false
        }
    }

    @Test func svgNumbersAndEscaping() {
        #expect(SVGDocument.number(.nan) == "0" && SVGDocument.number(-.infinity) == "0")
        #expect(SVGDocument.number(3) == "3" && SVGDocument.number(2.345678) == "2.35" && SVGDocument.number(-0.004) == "0")
        #expect(SVGDocument.escaped("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
    }
}
