import Foundation
import Testing

/// The reference values written by `Fixtures/metrics/generate_metrics_fixtures.py`
/// (numpy, scipy, scikit-learn), read as plain JSON objects.
enum MetricsFixture {
    static func load(file: String = "metrics/metrics_reference.json") throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/" + file)
        let data = try Data(contentsOf: url)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    func number(_ key: String) -> Double { (self[key] as? NSNumber)?.doubleValue ?? .nan }
    func numbers(_ key: String) -> [Double] { (self[key] as? [NSNumber])?.map(\.doubleValue) ?? [] }
    func integers(_ key: String) -> [Int] { (self[key] as? [NSNumber])?.map(\.intValue) ?? [] }
    func matrix(_ key: String) -> [[Double]] { (self[key] as? [[NSNumber]])?.map { $0.map(\.doubleValue) } ?? [] }
    func tensor3(_ key: String) -> [[[Double]]] {
        (self[key] as? [[[NSNumber]]])?.map { $0.map { $0.map(\.doubleValue) } } ?? []
    }
}
