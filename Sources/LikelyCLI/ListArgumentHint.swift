/// A hint for the commonest slip with list options: values separated by spaces
/// (`--hidden 50 50`), which the parser reads as one value and an unexpected argument.
enum ListArgumentHint {
    /// The options that take one comma-separated list.
    static let listOptions: Set<String> = ["--hidden", "--features", "--categorical", "--class-names", "--search",
                                           "--keep", "--augment"]

    /// "\n(--hidden takes one comma-separated list: --hidden 50,50)" when `message` reports an
    /// unexpected argument that follows such an option's value in `arguments`; else nil.
    static func hint(for message: String, arguments: [String]) -> String? {
        guard let start = message.range(of: "Unexpected argument '") else { return nil }
        let rest = message[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        let unexpected = String(rest[..<end])
        for i in arguments.indices.dropFirst(2) where arguments[i] == unexpected {
            // The values after the option up to the unexpected one, none of them an option.
            var first = i - 1
            while first > 0, !arguments[first].hasPrefix("-") { first -= 1 }
            let option = arguments[first]
            guard listOptions.contains(option) else { continue }
            var values = Array(arguments[(first + 1)...i])
            var next = i + 1
            while next < arguments.count, !arguments[next].hasPrefix("-"), arguments[next].allSatisfy({ $0.isNumber }) == values[0].allSatisfy({ $0.isNumber }) {
                values.append(arguments[next])
                next += 1
            }
            return "\n(\(option) takes one comma-separated list: \(option) \(values.joined(separator: ",")))"
        }
        return nil
    }
}
