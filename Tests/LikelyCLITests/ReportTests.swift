import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `likely evaluate --report FILE.html`: one well-formed, self-contained page.
@Suite struct ReportTests {
    /// The ids of the page's sections, or an error when it is not well-formed XML.
    final class Sections: NSObject, XMLParserDelegate {
        var ids: [String] = []
        var headings: [String] = []
        var inHeading = false
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "section", let id = attributes["id"] { ids.append(id) }
            if name == "h3" { inHeading = true; headings.append("") }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inHeading { headings[headings.count - 1] += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "h3" { inHeading = false }
        }
    }

    static func parse(_ path: String) throws -> Sections {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let parser = XMLParser(data: data)
        let sections = Sections()
        parser.delegate = sections
        #expect(parser.parse(), "the page is not well-formed: \(String(describing: parser.parserError))")
        return sections
    }

    /// No resource from outside: no script, stylesheet link, image source or URL other than
    /// the SVG namespace name.
    static func expectSelfContained(_ html: String) {
        for banned in ["<script", "<link", "src=", "url(", "@import", "<img", "<iframe"] {
            #expect(!html.contains(banned), "the page holds \(banned)")
        }
        let urls = html.components(separatedBy: "http").dropFirst().filter { !$0.hasPrefix("://www.w3.org/2000/svg\"") }
        #expect(urls.isEmpty, "the page names a URL: http\(urls.first?.prefix(40) ?? "")")
    }

    @Test func imageModelReportHasEverySection() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try Fixtures.writeIDX(in: scratch, directory: "images")
        try Fixtures.writeIDX(in: scratch, directory: "other", count: 12)
        let model = scratch.path("model")
        let fit = try CLI.run(["fit", scratch.path("images"), "--out", model, "--epochs", "2", "--validation-split", "0.25", "--quiet",
                               "--class-names", "zero,one,two,three,four,five,six,seven,eight,nine"])
        #expect(fit.status == 0, "fit failed: \(fit.stderr)")
        let page = scratch.path("report.html")
        let evaluate = try CLI.run(["evaluate", model, scratch.path("images"), "--mc-samples", "3", "--ood", scratch.path("other"),
                                    "--report", page])
        #expect(evaluate.status == 0, "evaluate failed: \(evaluate.stderr)")
        let sections = try Self.parse(page)
        #expect(sections.ids == ["metrics", "plots", "model-card", "ood"])
        for heading in ["Data", "Architecture", "Head", "Members", "Training history", "First-layer filters", "Feature maps of one example"] {
            #expect(sections.headings.contains(heading), "the model card lacks \(heading): \(sections.headings)")
        }
        let html = try String(contentsOfFile: page, encoding: .utf8)
        Self.expectSelfContained(html)
        // Every plot of --plots is inline: reliability, risk–coverage, OOD histograms.
        for title in ["reliability.svg", "risk-coverage.svg", "ood-entropy.svg"] { #expect(html.contains(title), "no \(title)") }
        #expect(html.contains("zero, one, two, three") && html.contains("<th>accuracy</th>") && html.contains("mutual_information"))
        // One feature-map grid per image-shaped layer of seed-cnn (conv, relu, conv, relu, pool).
        #expect(html.components(separatedBy: "channels</figcaption>").count - 1 == 5)
    }

    @Test func tableModelReportShowsTheEncoding() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("people.csv", TablesTests.table())
        let model = scratch.path("model")
        let fit = try CLI.run(["fit", data, "--out", model, "--features", "city,size", "--missing", "impute", "--epochs", "3", "--quiet"])
        #expect(fit.status == 0, "fit failed: \(fit.stderr)")
        let page = scratch.path("r/report.html")
        let evaluate = try CLI.run(["evaluate", model, data, "--report", page, "--json"])
        #expect(evaluate.status == 0, "evaluate failed: \(evaluate.stderr)")
        #expect(try Self.parse(page).ids == ["metrics", "plots", "model-card"])
        let html = try String(contentsOfFile: page, encoding: .utf8)
        Self.expectSelfContained(html)
        #expect(html.contains("one-hot: Berlin, Paris, Rome, missing") && html.contains("missing → training mean"))
        #expect(html.contains("Missing cells: <code>impute</code>"))
        // --class-names is for IDX/NPY labels only.
        try BadInputTests.expectRejected(["fit", data, "--out", scratch.path("m2"), "--features", "city,size", "--missing", "impute", "--class-names", "a,b"], naming: ["--class-names"])
    }

    @Test func conformalAndOutOfDistributionSectionsAreRendered() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("kinds.csv", Fixtures.classificationCSV(rows: 90))
        // The same columns far outside the training range of a and b.
        let shifted = Fixtures.classificationCSV(rows: 30).split(separator: "\n").enumerated().map { i, line in
            guard i > 0 else { return String(line) }
            let cells = line.split(separator: ",")
            return "\(Double(cells[0])! + 6),\(Double(cells[1])! - 6),\(cells[2])"
        }.joined(separator: "\n") + "\n"
        let other = try scratch.write("shifted.csv", shifted)
        let model = scratch.path("model")
        let fit = try CLI.run(["fit", data, "--out", model, "--epochs", "5", "--quiet"])
        #expect(fit.status == 0, "fit failed: \(fit.stderr)")
        let conformalize = try CLI.run(["conformalize", model, data])
        #expect(conformalize.status == 0, "conformalize failed: \(conformalize.stderr)")
        let page = scratch.path("report.html")
        let evaluate = try CLI.run(["evaluate", model, data, "--level", "0.9", "--ood", other, "--report", page])
        #expect(evaluate.status == 0, "evaluate failed: \(evaluate.stderr)")
        #expect(try Self.parse(page).ids == ["metrics", "plots", "model-card", "conformal", "ood"])
        let html = try String(contentsOfFile: page, encoding: .utf8)
        Self.expectSelfContained(html)
        // The conformal section: the level, the score, the calibration size, coverage and set size.
        let conformal = try #require(html.components(separatedBy: "<section id=\"conformal\">").last?.components(separatedBy: "</section>").first)
        for text in ["0.9", "lac", "90", "coverage", "size"] { #expect(conformal.contains(text), "the conformal section lacks \(text): \(conformal)") }
        // The OOD section: both counts and a row of AUROC, AUPR and FPR95 per score.
        let ood = try #require(html.components(separatedBy: "<section id=\"ood\">").last?.components(separatedBy: "</section>").first)
        #expect(ood.contains("In distribution: 90 examples; out of distribution: 30 examples"), "\(ood)")
        for score in ["entropy", "max_probability (1 − max p)"] { #expect(ood.contains("<td>\(score)</td>"), "the OOD table lacks \(score): \(ood)") }
        #expect(ood.contains("<th>AUROC</th><th>AUPR</th><th>FPR at 95% TPR</th>"))
    }
}
