/// The Python dict literal of an NPY header: string keys, and string, boolean, integer
/// tuple or other (kept as text) values. Parsed by hand: no `eval`, no regular expressions.
struct NPYDictionary {
    enum Value {
        case string(String)
        case boolean(Bool)
        case tuple([Int])
        case other(String)

        var text: String {
            switch self {
            case .string(let s): "'\(s)'"
            case .boolean(let b): b ? "True" : "False"
            case .tuple(let t): "\(t)"
            case .other(let s): s
            }
        }
    }

    private(set) var entries: [String: Value] = [:]

    init(text: String, path: String) throws {
        var scanner = Scanner(characters: Array(text.unicodeScalars))
        func fail(_ problem: String) -> DataError {
            DataError(source: path, location: "header", problem: "\(problem) in \(text.trimmingSpaces.debugDescription)")
        }
        scanner.skipSpace()
        guard scanner.take("{") else { throw fail("expected a '{'") }
        while true {
            scanner.skipSpace()
            if scanner.take("}") { break }
            guard let key = scanner.quoted() else { throw fail("expected a quoted key") }
            scanner.skipSpace()
            guard scanner.take(":") else { throw fail("expected ':' after '\(key)'") }
            scanner.skipSpace()
            guard let value = scanner.value() else { throw fail("malformed value for '\(key)'") }
            entries[key] = value
            scanner.skipSpace()
            if scanner.take(",") { continue }
            guard scanner.take("}") else { throw fail("expected ',' or '}' after '\(key)'") }
            break
        }
    }

    private struct Scanner {
        let characters: [Unicode.Scalar]
        var position = 0

        var current: Unicode.Scalar? { position < characters.count ? characters[position] : nil }

        mutating func skipSpace() {
            while let c = current, c == " " || c == "\n" || c == "\t" || c == "\r" { position += 1 }
        }

        mutating func take(_ c: Unicode.Scalar) -> Bool {
            guard current == c else { return false }
            position += 1
            return true
        }

        mutating func quoted() -> String? {
            guard let q = current, q == "'" || q == "\"" else { return nil }
            position += 1
            var out = String.UnicodeScalarView()
            while let c = current, c != q { out.append(c); position += 1 }
            guard take(q) else { return nil }
            return String(out)
        }

        mutating func integer() -> Int? {
            var digits = ""
            while let c = current, ("0"..."9").contains(c) { digits.unicodeScalars.append(c); position += 1 }
            // Python 2 wrote long integers with a trailing L.
            if current == "L" { position += 1 }
            return digits.isEmpty ? nil : Int(digits)
        }

        mutating func value() -> Value? {
            guard let c = current else { return nil }
            if c == "'" || c == "\"" { return quoted().map(Value.string) }
            if c == "(" {
                position += 1
                var items: [Int] = []
                while true {
                    skipSpace()
                    if take(")") { return .tuple(items) }
                    guard let n = integer() else { return nil }
                    items.append(n)
                    skipSpace()
                    if take(",") { continue }
                    guard take(")") else { return nil }
                    return .tuple(items)
                }
            }
            // Anything else (True, False, or a structured dtype's list) up to the matching
            // close at depth 0.
            var depth = 0
            var out = String.UnicodeScalarView()
            while let c = current {
                if depth == 0 && (c == "," || c == "}") { break }
                if c == "[" || c == "(" || c == "{" { depth += 1 }
                if c == "]" || c == ")" || c == "}" { depth -= 1 }
                out.append(c)
                position += 1
            }
            let word = String(out).trimmingSpaces
            if word == "True" { return .boolean(true) }
            if word == "False" { return .boolean(false) }
            return word.isEmpty ? nil : .other(word)
        }
    }
}
