import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an SVG string with XMLParser and records what the plot tests check: whether it is
/// well-formed, how many elements of each name and class it holds, the texts, and any
/// geometric attribute that is not a finite number.
final class PlotSVGInspector: NSObject, XMLParserDelegate {
    private(set) var wellFormed = false
    private(set) var elementCounts: [String: Int] = [:]
    private(set) var classCounts: [String: Int] = [:]
    private(set) var texts: [String] = []
    private(set) var nonFiniteAttributes: [String] = []
    private var currentText = ""
    private static let numeric: Set<String> = ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "points", "font-size", "stroke-width", "fill-opacity"]

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        wellFormed = parser.parse()
    }

    func count(element: String) -> Int { elementCounts[element] ?? 0 }
    func count(className: String) -> Int { classCounts[className] ?? 0 }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elementCounts[name, default: 0] += 1
        if let c = attributes["class"] { classCounts[c, default: 0] += 1 }
        currentText = ""
        for (key, value) in attributes where Self.numeric.contains(key) {
            let parts = value.split(whereSeparator: { $0 == " " || $0 == "," })
            if parts.isEmpty || parts.contains(where: { Double($0).map { !$0.isFinite } ?? true }) {
                nonFiniteAttributes.append("\(name).\(key)=\(value)")
            }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { currentText += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(currentText) }
    }
}
