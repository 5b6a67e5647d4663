import Foundation
import LikelyData
import Testing

/// Paths of the committed fixtures (written by Fixtures/make_fixtures.py).
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func path(_ relative: String) -> String { directory + "/" + relative }

    /// expected.json, the values numpy, gzip and the csv module put in the fixtures.
    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path("expected.json")))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func floats(_ value: Any?) throws -> [Float] {
        try #require(value as? [Any]).map { Float(try #require(($0 as? NSNumber)?.doubleValue)) }
    }

    static func ints(_ value: Any?) throws -> [Int] {
        try #require(value as? [Any]).map { try #require(($0 as? NSNumber)?.intValue) }
    }

    /// A scratch file holding `bytes`, removed by the caller.
    static func temporary(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("likely-data-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }
}

/// Runs `body`, requires a `DataError`, and checks its message holds every fragment.
func expectDataError(_ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a DataError containing \(fragments), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as DataError {
        for fragment in fragments {
            #expect(error.description.contains(fragment), "message \"\(error.description)\" lacks \"\(fragment)\"", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a DataError, got \(error)", sourceLocation: sourceLocation)
    }
}
