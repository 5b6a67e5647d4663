extension Plots {
    /// ROC curve (true- against false-positive rate) with the chance diagonal and the AUC.
    public static func rocCurve(_ curve: ROCCurve, title: String = "ROC curve") -> String {
        let axes = PlotAxes(x: 0...1, y: 0...1)
        var doc = axes.framedDocument(title: title, xLabel: "false-positive rate", yLabel: "true-positive rate")
        axes.drawReference(into: &doc, from: (0, 0), to: (1, 1), className: "diagonal")
        let points = finitePairs(curve.falsePositiveRates, curve.truePositiveRates).map { axes.point($0.x, $0.y) }
        doc.polyline(points, stroke: PlotColor.blue, strokeWidth: 2, className: "curve")
        let auc = curve.area.map { format($0, digits: 4) } ?? "undefined (one class)"
        axes.drawLegend(into: &doc, entries: [
            ("ROC, AUC = \(auc)", .line(color: PlotColor.blue, dash: nil)),
            ("chance", .line(color: PlotColor.grey, dash: "5 4")),
        ], corner: .bottomRight)
        return doc.svg
    }

    /// Precision–recall curve as a step function, with the chance level (the positive rate)
    /// and the average precision.
    public static func precisionRecallCurve(_ curve: PrecisionRecallCurve, title: String = "Precision–recall curve") -> String {
        let axes = PlotAxes(x: 0...1, y: 0...1.02)
        var doc = axes.framedDocument(title: title, xLabel: "recall", yLabel: "precision")
        axes.drawReference(into: &doc, from: (0, curve.positiveRate), to: (1, curve.positiveRate), className: "chance")
        // AP's step function: precision Pₙ holds over recall (Rₙ₋₁, Rₙ].
        var steps: [(x: Double, y: Double)] = []
        let pairs = finitePairs(curve.recalls, curve.precisions)
        for (i, p) in pairs.enumerated() {
            if i > 0 { steps.append(axes.point(pairs[i - 1].x, p.y)) }
            steps.append(axes.point(p.x, p.y))
        }
        doc.polyline(steps, stroke: PlotColor.orange, strokeWidth: 2, className: "curve")
        let ap = curve.averagePrecision.map { format($0, digits: 4) } ?? "undefined (no positives)"
        axes.drawLegend(into: &doc, entries: [
            ("PR, average precision = \(ap)", .line(color: PlotColor.orange, dash: nil)),
            ("chance (positive rate \(format(curve.positiveRate, digits: 3)))", .line(color: PlotColor.grey, dash: "5 4")),
        ], corner: .bottomLeft)
        return doc.svg
    }
}
