import Foundation
import Testing

/// The shape of the source tree that the library-first design promises: a thin command line
/// and random streams named by purpose.
@Suite struct SourceLayoutTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The Swift files below `folder` of the repository, with their text.
    static func swiftFiles(_ folder: String) throws -> [(name: String, text: String)] {
        let root = repository.appendingPathComponent(folder)
        let names = try FileManager.default.subpathsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".swift") }
        return try names.sorted().map { ($0, try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// Lines of a file as an editor counts them.
    static func lineCount(_ text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).count - (text.hasSuffix("\n") ? 1 : 0)
    }

    @Test func noCommandLineFileExceeds250Lines() throws {
        let files = try Self.swiftFiles("Sources/LikelyCLI")
        #expect(files.count > 10)
        for (name, text) in files {
            #expect(Self.lineCount(text) <= 250, "Sources/LikelyCLI/\(name) has \(Self.lineCount(text)) lines")
        }
    }

    @Test func randomStreamsAreNamedNotNumbered() throws {
        // A stream picked by number (`stream: 0x1417`, `RandomSource(seed: s, stream: 3)`) instead
        // of a `StreamKey` purpose; the declaration of that initialiser itself is the one exception.
        let numbered = try NSRegularExpression(pattern: #"stream:\s*(0x[0-9A-Fa-f]+|[0-9]+)"#)
        for folder in ["Sources", "Distributions"] {
            for (name, text) in try Self.swiftFiles(folder) {
                let hits = numbered.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
                #expect(hits == 0, "\(folder)/\(name) picks \(hits) random stream(s) by number")
            }
        }
    }

    @Test func theLineCountCanFail() {
        #expect(Self.lineCount("a\nb\n") == 2)
        #expect(Self.lineCount(String(repeating: "x\n", count: 251)) == 251)
    }
}
