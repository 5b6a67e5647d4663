import Foundation

/// A `DecodingError` of `model.json` in the file's own terms: the snake_case field path
/// (`layers[2].dense.units`), what the field holds, and what it may hold (the allowed names
/// of an enumerated field, "an integer", ...), never the Swift type or the decoder's wording.
enum ModelFileDecoding {
    /// The message for `error`, read against the file's bytes `json` (to quote the offending
    /// value and to find a number that does not fit its field, which Foundation reports
    /// without a path).
    static func describe(_ error: DecodingError, json: Data) -> String {
        let root = try? JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        switch error {
        case .typeMismatch(_, let context) where context.debugDescription.hasPrefix("Invalid number of keys"),
             .dataCorrupted(let context) where context.debugDescription.hasPrefix("Invalid number of keys"):
            return corrupted(context, root: root)
        case .keyNotFound(let key, let context):
            return "\(field(context.codingPath)): missing field \(snake(key.stringValue))"
        case .valueNotFound(let type, let context):
            return "\(field(context.codingPath)): is null; expected \(expectation(for: type))"
        case .typeMismatch(let type, let context):
            let found = root.flatMap { value(at: context.codingPath, in: $0) }.map(kind) ?? "another type"
            return "\(field(context.codingPath)): expected \(expectation(for: type)), found \(found)"
        case .dataCorrupted(let context):
            return corrupted(context, root: root)
        @unknown default:
            return "\(error)"
        }
    }

    // MARK: - Enumerations

    /// The names a tagged field of `model.json` may hold (an enum with associated values
    /// is stored as an object with exactly one key, the case), by the field that holds it.
    static func allowedCases(at path: [any CodingKey]) -> (what: String, names: [String])? {
        let keys = path.map(\.stringValue)
        let last = keys.last ?? ""
        if path.last?.intValue != nil, keys.dropLast().last.map({ ["layers", "body"].contains($0) }) == true {
            return ("layer", ["dense", "conv2_d", "conv2_d_transpose", "max_pool2_d", "avg_pool2_d", "global_average_pool2_d",
                              "flatten", "dropout", "batch_norm", "activation", "residual", "sequential"])
        }
        if last == "_0" && keys.dropLast().last == "activation" || last == "activation" {
            return ("activation", ["relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "linear"])
        }
        if last.hasSuffix("Initializer") || last.hasSuffix("_initializer") {
            return ("initializer", ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros", "constant"])
        }
        if last == "padding" { return ("padding", ["valid", "same", "explicit"]) }
        return nil
    }

    /// The raw values of the String enums of `model.json`, by the type name Foundation quotes.
    static let rawValues: [String: [String]] = [
        "ScaleLink": ScaleLink.allCases.map(\.rawValue),
        "ConformalMethod": ConformalMethod.allCases.map(\.rawValue),
        "MissingPolicy": MissingPolicy.allCases.map(\.rawValue),
    ]

    static func corrupted(_ context: DecodingError.Context, root: Any?) -> String {
        let at = field(context.codingPath)
        let text = context.debugDescription
        if text.hasPrefix("Invalid number of keys found"), let (what, names) = allowedCases(at: context.codingPath) {
            let found = root.flatMap { value(at: context.codingPath, in: $0) }.map(compact) ?? "the value"
            return "\(at): \(found) is not a valid \(what); expected an object with exactly one key, one of \(names.joined(separator: ", "))"
        }
        if let range = text.range(of: "Cannot initialize "), let from = text.range(of: " from invalid String value ") {
            let type = String(text[range.upperBound..<from.lowerBound])
            let value = String(text[from.upperBound...])
            let names = rawValues[type].map { "; expected one of \($0.joined(separator: ", "))" } ?? ""
            return "\(at): unknown value \"\(value)\"\(names)"
        }
        if context.codingPath.isEmpty, let root {
            // Valid JSON that Foundation calls invalid: a number that does not fit its field.
            if let misfit = misfitNumber(in: root, path: []) { return misfit }
            return "top level: a value does not fit its field (a fraction or an out-of-range number where an integer or a single-precision number belongs)"
        }
        if context.codingPath.isEmpty { return "not valid JSON (\(text))" }
        return "\(at): \(text)"
    }

    // MARK: - Numbers that do not fit

    /// The fields of `model.json` that hold integers (sizes, counts, versions).
    static let integerFields: Set<String> = ["units", "filters", "rows", "columns", "class_count", "components",
                                             "format_version", "members", "input_shape", "feature_shape", "explicit"]

    /// The first number that cannot be decoded: a fraction or an out-of-range value in an
    /// integer field, or a magnitude beyond Float's range anywhere (the weights' statistics,
    /// rates and temperatures are Float32).
    static func misfitNumber(in node: Any, path: [String], integerField: Bool = false) -> String? {
        if let object = node as? [String: Any] {
            for key in object.keys.sorted() {
                let isInteger = integerFields.contains(key) || (key == "_0" && path.last == "explicit")
                if let found = misfitNumber(in: object[key]!, path: path + [key], integerField: isInteger) { return found }
            }
        } else if let array = node as? [Any] {
            for (i, element) in array.enumerated() {
                if let found = misfitNumber(in: element, path: path + ["[\(i)]"], integerField: integerField) { return found }
            }
        } else if let number = node as? NSNumber, !isBoolean(number) {
            let x = number.doubleValue
            let at = "field " + path.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            if integerField {
                if x != x.rounded() { return "\(at): \(x) is not an integer; expected a whole number" }
                if Swift.abs(x) >= 9.2e18 { return "\(at): \(x) is beyond the integer range; expected a whole number up to \(Int.max)" }
            } else if Swift.abs(x) > Double(Float.greatestFiniteMagnitude) {
                return "\(at): \(x) is beyond single precision (magnitude at most \(Float.greatestFiniteMagnitude))"
            }
        }
        return nil
    }

    /// Whether an NSNumber read by JSONSerialization is a JSON boolean (they bridge as NSNumber too).
    static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    // MARK: - Paths and values

    /// `layers[2].dense.units` from a coding path, keys in the file's snake_case.
    static func field(_ path: [any CodingKey]) -> String {
        let p = path.map { $0.intValue.map { "[\($0)]" } ?? ".\(snake($0.stringValue))" }.joined()
        return p.isEmpty ? "top level" : "field " + String(p.drop { $0 == "." })
    }

    /// camelCase → snake_case, as the file's keys are written.
    static func snake(_ key: String) -> String {
        key.reduce(into: "") { out, c in if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) } }
    }

    /// The JSON value at a coding path (keys tried as written and in snake_case).
    static func value(at path: [any CodingKey], in root: Any) -> Any? {
        var node: Any = root
        for key in path {
            if let index = key.intValue, let array = node as? [Any] {
                guard array.indices.contains(index) else { return nil }
                node = array[index]
            } else if let object = node as? [String: Any], let next = object[key.stringValue] ?? object[snake(key.stringValue)] {
                node = next
            } else {
                return nil
            }
        }
        return node
    }

    /// What a JSON value is, for "found ...": `a string "64"`, `the number 3`, `an object`.
    static func kind(_ value: Any) -> String {
        switch value {
        case let s as String: return "the string \(compact(s))"
        case let n as NSNumber: return isBoolean(n) ? "\(n.boolValue)" : "the number \(n)"
        case is [Any]: return "an array"
        case is [String: Any]: return "the object \(compact(value))"
        case is NSNull: return "null"
        default: return "\(value)"
        }
    }

    /// The value as compact JSON, at most 80 characters.
    static func compact(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) else { return "\(value)" }
        let text = String(decoding: data, as: UTF8.self)
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }

    /// A type as the file's reader knows it.
    static func expectation(for type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt64.Type: return "an integer"
        case is Float.Type, is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}
