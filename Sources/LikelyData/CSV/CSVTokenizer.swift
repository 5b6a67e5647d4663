/// The field separator of a CSV file.
public enum CSVDelimiter: String, Codable, Sendable, CaseIterable {
    /// `,`
    case comma = ","
    /// `;` (common where the decimal separator is a comma)
    case semicolon = ";"
    /// a tab character (TSV files)
    case tab = "\t"

    var byte: UInt8 { UInt8(ascii: rawValue.unicodeScalars.first!) }

    /// The delimiter occurring most often outside quotes in the header line (comma on a
    /// tie or when none occurs: a one-column file).
    static func detect(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> CSVDelimiter {
        var counts: [CSVDelimiter: Int] = [:]
        var inQuotes = false
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            if !inQuotes {
                if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { break }
                for d in CSVDelimiter.allCases where d.byte == b { counts[d, default: 0] += 1 }
            }
            i += 1
        }
        return CSVDelimiter.allCases.max { counts[$0, default: 0] < counts[$1, default: 0] }
            .flatMap { counts[$0, default: 0] > 0 ? $0 : nil } ?? .comma
    }
}

/// One record of a CSV file: its fields and the line it starts on (1-based).
struct CSVRecord {
    var fields: [String]
    var line: Int
}

/// Splits CSV text into records following RFC 4180: fields may be quoted with `"`, a quoted
/// field may hold delimiters, line breaks and doubled quotes (`""` for one `"`); records end
/// at LF or CRLF. Empty lines are skipped. A UTF-8 byte-order mark is ignored.
struct CSVTokenizer {
    let path: String
    let delimiter: CSVDelimiter

    /// All records of `bytes`.
    /// - Throws: `DataError` for an unterminated quoted field, a quote inside an unquoted
    ///   field, text after a closing quote, or bytes that are not UTF-8.
    static func records(of bytes: [UInt8], path: String, delimiter: CSVDelimiter?) throws -> (records: [CSVRecord], delimiter: CSVDelimiter) {
        try bytes.withUnsafeBufferPointer { buffer in
            let start = buffer.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let chosen = delimiter ?? CSVDelimiter.detect(in: buffer, from: start)
            let tokenizer = CSVTokenizer(path: path, delimiter: chosen)
            return (try tokenizer.split(buffer, from: start), chosen)
        }
    }

    private func split(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws -> [CSVRecord] {
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        let separator = delimiter.byte
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var fieldWasQuoted = false
        var line = 1, recordLine = 1
        var i = start
        var atRecordStart = true

        func finishField() throws {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw DataError(source: path, location: "line \(line), field \(fields.count + 1)", problem: "is not valid UTF-8 text")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }

        while i < bytes.count {
            let b = bytes[i]
            let isLineEnd = b == lf || (b == cr && i + 1 < bytes.count && bytes[i + 1] == lf)
            if b == cr && !isLineEnd {
                throw DataError(source: path, location: "line \(line)", problem: "a lone carriage return; expected LF or CRLF line endings")
            }
            if atRecordStart {
                if isLineEnd { line += 1; i += b == cr ? 2 : 1; continue }  // empty lines are skipped
                atRecordStart = false
                recordLine = line
            }
            if isLineEnd {
                try finishField()
                records.append(CSVRecord(fields: fields, line: recordLine))
                fields.removeAll()
                line += 1
                i += b == cr ? 2 : 1
                atRecordStart = true
            } else if b == separator {
                try finishField()
                i += 1
            } else if b == quote {
                guard field.isEmpty && !fieldWasQuoted else {
                    throw DataError(source: path, location: "line \(line)",
                                    problem: "a quote inside an unquoted field; quote the whole field and double inner quotes (\"\")")
                }
                // A quoted field runs to the next quote not followed by another quote.
                let openedAt = line
                var closed = false
                i += 1
                while i < bytes.count {
                    let c = bytes[i]
                    if c == quote {
                        if i + 1 < bytes.count && bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                        closed = true
                        i += 1
                        break
                    }
                    if c == lf { line += 1 }
                    field.append(c)
                    i += 1
                }
                guard closed else {
                    throw DataError(source: path, location: "line \(openedAt)", problem: "a quoted field opened here is never closed (missing \")")
                }
                fieldWasQuoted = true
                if i < bytes.count, bytes[i] != separator, bytes[i] != lf, bytes[i] != cr {
                    throw DataError(source: path, location: "line \(line)",
                                    problem: "unexpected text after a closing quote; expected the delimiter \(delimiter.displayName) or the end of the line")
                }
            } else {
                field.append(b)
                i += 1
            }
        }
        if !atRecordStart {
            try finishField()
            records.append(CSVRecord(fields: fields, line: recordLine))
        }
        return records
    }
}

extension CSVDelimiter {
    /// The delimiter as a user reads it in a message.
    var displayName: String {
        switch self {
        case .comma: "comma (,)"
        case .semicolon: "semicolon (;)"
        case .tab: "tab"
        }
    }
}
