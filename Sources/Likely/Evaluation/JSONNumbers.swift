import Foundation

/// The one convention for numbers that are not finite in every JSON output of `likely`
/// (`evaluate --json`, `dist --json`, the demo's summary.json): the value is written as
/// `null`, and a top-level `"notes"` object maps the JSON Pointer (RFC 6901) of each such
/// null to the reason, e.g. `{"sd": null, "notes": {"/sd": "undefined: ..."}}`. Without a
/// more specific reason the note says which non-finite value it was: "not a number
/// (undefined)", "+infinity" or "-infinity". JSON has no literal for them, so a reader never
/// sees `NaN`, `Infinity` or a string where a number belongs.
package enum JSONNumbers {
    /// The note for a non-finite `x` (nil for a finite one).
    package static func reason(for x: Double) -> String? {
        if x.isNaN { return "not a number (undefined)" }
        if x.isInfinite { return x > 0 ? "+infinity" : "-infinity" }
        return nil
    }

    /// A JSON Pointer from its path of keys and indices, each escaped (~ as ~0, / as ~1).
    package static func pointer(_ path: [String]) -> String {
        path.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }

    /// `value` as one line of JSON, keys sorted, every non-finite number `null` with its note
    /// (`reasons[pointer]` where given, else `reason(for:)`) in a trailing `"notes"` object.
    package static func encode<T: Encodable>(_ value: T, reasons: [String: String] = [:]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Sentinel strings no report can contain (a control character), found and replaced below.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: sentinel + "+inf", negativeInfinity: sentinel + "-inf", nan: sentinel + "nan")
        let data = try encoder.encode(value)
        var notes: [(String, String)] = []
        collect(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]), path: [], into: &notes)
        var text = String(decoding: data, as: UTF8.self)
        for token in ["+inf", "-inf", "nan"] {
            text = text.replacingOccurrences(of: "\"\\u0001" + token + "\"", with: "null")
        }
        guard !notes.isEmpty, text.hasSuffix("}") else { return text }
        let object = notes.map { pointer, generic in "\(quoted(pointer)):\(quoted(reasons[pointer] ?? generic))" }
        return String(text.dropLast()) + (text == "{}" ? "" : ",") + "\"notes\":{" + object.joined(separator: ",") + "}}"
    }

    /// A Double as a JSON number, or `null` with its note appended to `notes`.
    package static func number(_ x: Double, at path: [String], reason: String? = nil,
                              notes: inout [(pointer: String, reason: String)]) -> String {
        guard let generic = JSONNumbers.reason(for: x) else { return "\(x)" }
        notes.append((pointer(path), reason ?? generic))
        return "null"
    }

    /// `"notes": {...}` for hand-written JSON, or nil when nothing was null.
    package static func notesField(_ notes: [(pointer: String, reason: String)]) -> String? {
        guard !notes.isEmpty else { return nil }
        return "\"notes\":{" + notes.map { "\(quoted($0.pointer)):\(quoted($0.reason))" }.joined(separator: ",") + "}"
    }

    static let sentinel = "\u{1}"

    static func quoted(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }

    private static func collect(_ node: Any, path: [String], into notes: inout [(String, String)]) {
        if let s = node as? String, s.hasPrefix(sentinel) {
            let token = s.dropFirst()
            let x: Double = token == "nan" ? .nan : (token == "+inf" ? .infinity : -.infinity)
            notes.append((pointer(path), reason(for: x) ?? ""))
        } else if let object = node as? [String: Any] {
            for key in object.keys.sorted() { collect(object[key]!, path: path + [key], into: &notes) }
        } else if let array = node as? [Any] {
            for (i, element) in array.enumerated() { collect(element, path: path + ["\(i)"], into: &notes) }
        }
    }
}
