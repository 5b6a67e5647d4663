import ArgumentParser
import Foundation
import Likely

/// `--plots DIR` and `--report FILE.html` of evaluate: a report's figures as SVG files, and
/// the report with its figures and the model card as one self-contained HTML page.
struct EvaluationFigures: ParsableArguments {
    @Option(help: "Directory for SVG plots: reliability diagram, PIT histogram, coverage curve, ROC/PR, predictive bands.")
    var plots: String?

    @Option(help: "Write a self-contained HTML page: metrics, every plot, the model card, and the conformal and OOD sections when computed.")
    var report: String?

    /// Whether either is asked for.
    var isRequested: Bool { plots != nil || report != nil }

    /// Checks that neither is one of the command's inputs (`outputs`) nor inside them.
    func check(_ outputs: OutputPaths) throws {
        if let plots { try outputs.checkDirectory(plots, option: "--plots", files: EvaluationPlots.names) }
        if let report { try outputs.checkFile(report, option: "--report", allowStream: true) }
    }

    /// Draws the plots of `evaluation` into `--plots` and writes the page of `--report`, which
    /// inlines them (without `--plots` they are drawn in a scratch directory, then removed).
    func write(_ evaluation: EvaluationReport, model: ProbabilisticModel, data: LoadedData, common: ModelDataOptions) throws {
        guard isRequested else { return }
        let directory = plots ?? FileManager.default.temporaryDirectory.appendingPathComponent("likely-report-\(UUID().uuidString)").path
        defer { if plots == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let written = try EvaluationPlots.write(report: evaluation, model: model, data: data, mcSamples: common.mcSamples,
                                               seed: common.seed, to: directory)
        guard let report else { return }
        let svgs = written.compactMap { file in
            (try? String(contentsOfFile: file, encoding: .utf8)).map { (URL(fileURLWithPath: file).lastPathComponent, $0) }
        }
        let history = try? String(contentsOfFile: ModelLayout(common.modelDirectory).historyFile.path, encoding: .utf8)
        let html = ReportPage.html(reportJSON: evaluation.json, plots: svgs, model: model, modelDirectory: common.modelDirectory,
                                   data: data, history: history)
        try writeText(html, to: report, option: "--report")
    }
}
