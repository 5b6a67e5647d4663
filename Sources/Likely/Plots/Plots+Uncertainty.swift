extension Plots {
    /// Risk–coverage curve: selective risk of the most certain fraction of inputs against
    /// that fraction, with the full-coverage risk as a dashed line and the AURC in the legend.
    /// A curve that falls to the left means the uncertainty finds the errors.
    /// At most 500 points are drawn (evenly spaced in coverage).
    public static func riskCoverageCurve(_ curve: RiskCoverageCurve, riskName: String = "risk",
                                         title: String = "Risk–coverage curve") -> String {
        let step = Swift.max(1, curve.risks.count / 500)
        var indices = Array(stride(from: 0, to: curve.risks.count, by: step))
        if let last = curve.risks.indices.last, indices.last != last { indices.append(last) }
        let risks = indices.map { curve.risks[$0] }, coverages = indices.map { curve.coverages[$0] }
        let top = (risks.filter(\.isFinite).max() ?? 1) * 1.1
        let axes = PlotAxes(x: 0...1, y: 0...(top > 0 ? top : 1))
        var doc = axes.framedDocument(title: title, xLabel: "coverage (fraction of inputs kept, most certain first)",
                                      yLabel: "selective \(riskName)")
        if let full = curve.risks.last, full.isFinite {
            axes.drawReference(into: &doc, from: (0, full), to: (1, full), className: "full-coverage")
        }
        doc.polyline(finitePairs(coverages, risks).map { axes.point($0.x, $0.y) }, stroke: PlotColor.blue, strokeWidth: 2,
                     className: "curve")
        let area = curve.area.map { format($0, digits: 4) } ?? "undefined (no inputs)"
        axes.drawLegend(into: &doc, entries: [
            ("selective \(riskName), AURC = \(area)", .line(color: PlotColor.blue, dash: nil)),
            ("\(riskName) at full coverage", .reference),
        ])
        return doc.svg
    }

    /// Two density histograms of one uncertainty score on shared bins: in-distribution
    /// inputs (blue) and out-of-distribution inputs (orange), with the detection AUROC. The
    /// less they overlap, the better the score tells the two apart.
    public static func scoreHistograms(inDistribution: [Double], outOfDistribution: [Double], scoreName: String,
                                       auroc: Double?, binCount: Int = 30,
                                       title: String? = nil) -> String {
        precondition(binCount >= 1, "histograms need at least one bin, got \(binCount)")
        let finite = (inDistribution + outOfDistribution).filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let width = hi > lo ? (hi - lo) / Double(binCount) : 1
        func densities(_ values: [Double]) -> [Double] {
            var counts = [Double](repeating: 0, count: binCount)
            let kept = values.filter(\.isFinite)
            for v in kept { counts[Swift.min(Swift.max(Int((v - lo) / width), 0), binCount - 1)] += 1 }
            return counts.map { kept.isEmpty ? 0 : $0 / (Double(kept.count) * width) }
        }
        let inside = densities(inDistribution), outside = densities(outOfDistribution)
        let top = Swift.max(inside.max() ?? 1, outside.max() ?? 1) * 1.1
        let axes = PlotAxes(x: lo...(lo + width * Double(binCount)), y: 0...(top > 0 ? top : 1))
        var doc = axes.framedDocument(title: title ?? "\(scoreName): in vs out of distribution", xLabel: scoreName, yLabel: "density")
        for (densities, color, name) in [(inside, PlotColor.blue, "in"), (outside, PlotColor.orange, "out")] {
            for b in 0..<binCount where densities[b] > 0 {
                let x0 = axes.x(lo + Double(b) * width), x1 = axes.x(lo + Double(b + 1) * width)
                doc.rect(x: x0, y: axes.y(densities[b]), width: x1 - x0, height: axes.y(0) - axes.y(densities[b]),
                         fill: color, opacity: 0.5, className: "bar-\(name)")
            }
        }
        axes.drawLegend(into: &doc, entries: [
            ("in distribution (N \(inDistribution.count))", .area(color: PlotColor.blue, opacity: 0.5)),
            ("out of distribution (N \(outOfDistribution.count))", .area(color: PlotColor.orange, opacity: 0.5)),
            ("AUROC \(auroc.map { format($0, digits: 4) } ?? "undefined")", .none),
        ], corner: .topRight)
        return doc.svg
    }
}
