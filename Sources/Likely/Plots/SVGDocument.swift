/// A minimal SVG builder: shapes and text in user units, serialised by `svg`.
///
/// Every coordinate goes through `SVGDocument.number(_:)`, which writes at most two decimals
/// and never writes NaN or infinity (a non-finite value becomes 0), so a document is always
/// well-formed whatever data reach it. Text is XML-escaped. The plots of `Plots` draw with it.
public struct SVGDocument {
    /// Canvas width in pixels.
    public let width: Double
    /// Canvas height in pixels.
    public let height: Double
    private var elements: [String] = []

    /// An empty white canvas.
    public init(width: Double, height: Double) {
        precondition(width > 0 && height > 0, "SVG canvas must have a positive size, got \(width)×\(height)")
        self.width = width
        self.height = height
    }

    /// Text alignment relative to the anchor point.
    public enum TextAnchor: String, Sendable {
        /// The text begins at the anchor.
        case start
        /// The text is centred on the anchor.
        case middle
        /// The text ends at the anchor.
        case end
    }

    /// A straight line segment; `dash` is an SVG dash array such as "4 3".
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double,
                              stroke: String, strokeWidth: Double = 1, dash: String? = nil, className: String? = nil) {
        elements.append("<line\(Self.classAttribute(className)) x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(strokeWidth))\"\(Self.dashAttribute(dash))/>")
    }

    /// An axis-aligned rectangle; negative sizes are normalised to positive ones.
    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, opacity: Double = 1, className: String? = nil) {
        let (x0, w) = width < 0 ? (x + width, -width) : (x, width)
        let (y0, h) = height < 0 ? (y + height, -height) : (y, height)
        let strokeAttribute = stroke.map { " stroke=\"\($0)\" stroke-width=\"0.8\"" } ?? ""
        let opacityAttribute = opacity < 1 ? " fill-opacity=\"\(Self.number(opacity))\"" : ""
        elements.append("<rect\(Self.classAttribute(className)) x=\"\(Self.number(x0))\" y=\"\(Self.number(y0))\" width=\"\(Self.number(w))\" height=\"\(Self.number(h))\" fill=\"\(fill)\"\(opacityAttribute)\(strokeAttribute)/>")
    }

    /// An open polyline through `points`.
    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, strokeWidth: Double = 1.5,
                                  dash: String? = nil, className: String? = nil) {
        guard !points.isEmpty else { return }
        elements.append("<polyline\(Self.classAttribute(className)) points=\"\(Self.pointList(points))\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(strokeWidth))\" stroke-linejoin=\"round\"\(Self.dashAttribute(dash))/>")
    }

    /// A closed filled polygon.
    public mutating func polygon(_ points: [(x: Double, y: Double)], fill: String, opacity: Double = 1, className: String? = nil) {
        guard !points.isEmpty else { return }
        elements.append("<polygon\(Self.classAttribute(className)) points=\"\(Self.pointList(points))\" fill=\"\(fill)\" fill-opacity=\"\(Self.number(opacity))\" stroke=\"none\"/>")
    }

    /// A filled circle.
    public mutating func circle(cx: Double, cy: Double, radius: Double, fill: String, opacity: Double = 1, className: String? = nil) {
        elements.append("<circle\(Self.classAttribute(className)) cx=\"\(Self.number(cx))\" cy=\"\(Self.number(cy))\" r=\"\(Self.number(radius))\" fill=\"\(fill)\" fill-opacity=\"\(Self.number(opacity))\"/>")
    }

    /// A text label at (x, y) (the baseline), optionally rotated by `rotation` degrees about it.
    public mutating func text(_ content: String, x: Double, y: Double, size: Double = 12,
                              anchor: TextAnchor = .start, rotation: Double? = nil, bold: Bool = false,
                              fill: String = "#222", className: String? = nil) {
        let rotate = rotation.map { " transform=\"rotate(\(Self.number($0)) \(Self.number(x)) \(Self.number(y)))\"" } ?? ""
        let weight = bold ? " font-weight=\"bold\"" : ""
        elements.append("<text\(Self.classAttribute(className)) x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\"\(weight)\(rotate)>\(Self.escaped(content))</text>")
    }

    /// The complete document, with a white background.
    public var svg: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"white\"/>\n"
        for element in elements { out += element; out += "\n" }
        out += "</svg>\n"
        return out
    }

    /// A coordinate with at most two decimals; non-finite values become 0.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() && Swift.abs(rounded) < 1e15 { return String(Int(rounded)) }
        return String(rounded)
    }

    /// `s` with the five XML special characters escaped.
    public static func escaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    private static func pointList(_ points: [(x: Double, y: Double)]) -> String {
        points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
    }
    private static func dashAttribute(_ dash: String?) -> String { dash.map { " stroke-dasharray=\"\($0)\"" } ?? "" }
    private static func classAttribute(_ name: String?) -> String { name.map { " class=\"\(escaped($0))\"" } ?? "" }
}
