import Foundation
import Testing

/// The articles of the `Likely` DocC catalog quote the examples, which CI compiles: every
/// Swift code block in a section that names an `Examples/NAME/main.swift` file must appear
/// in that file verbatim, so the documentation cannot drift from code that builds.
@Suite struct DocumentationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The Swift blocks of `article`, each with the example file its section names (if any).
    static func quotedBlocks(_ article: String) -> [(example: String?, code: String)] {
        var blocks: [(String?, String)] = [], example: String?, code: [String]?
        for line in article.components(separatedBy: "\n") {
            if var open = code {
                if line == "```" { blocks.append((example, open.joined(separator: "\n"))); code = nil } else { open.append(line); code = open }
                continue
            }
            if line.hasPrefix("#") { example = nil }
            if let range = line.range(of: #"Examples/[A-Za-z]+/main\.swift"#, options: .regularExpression) {
                example = String(line[range])
            }
            if line == "```swift" { code = [] }
        }
        return blocks
    }

    @Test func articlesQuoteTheExamplesVerbatim() throws {
        let catalog = Self.repository.appendingPathComponent("Sources/Likely/Likely.docc")
        let articles = try FileManager.default.contentsOfDirectory(atPath: catalog.path).filter { $0.hasSuffix(".md") }
        #expect(Set(articles).isSuperset(of: ["GettingStarted.md", "HeadsAndFamilies.md", "UncertaintyMethods.md", "Tables.md", "ScaleOut.md"]))
        var checked = 0
        for name in articles {
            let article = try String(contentsOf: catalog.appendingPathComponent(name), encoding: .utf8)
            for block in Self.quotedBlocks(article) {
                guard let example = block.example else { continue }
                let source = try String(contentsOf: Self.repository.appendingPathComponent(example), encoding: .utf8)
                #expect(source.contains(block.code), "\(name) quotes code that is not in \(example):\n\(block.code)")
                checked += 1
            }
        }
        // QuickStart (2 blocks), FashionMNISTUncertainty (2), CSVClassifier (4).
        #expect(checked >= 8, "only \(checked) quoted blocks were found")
    }

    /// The README's Swift example is the QuickStart program, line for line.
    @Test func theReadmeQuotesQuickStart() throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let quoted = Self.quotedBlocks(readme).filter { $0.example != nil }
        #expect(quoted.count >= 1 && quoted.allSatisfy { $0.example == "Examples/QuickStart/main.swift" }, "\(quoted.map(\.example))")
        let source = try String(contentsOf: Self.repository.appendingPathComponent("Examples/QuickStart/main.swift"), encoding: .utf8)
        for block in quoted { #expect(source.contains(block.code), "README.md quotes code that is not in QuickStart:\n\(block.code)") }
    }

    @Test func theQuoteCheckCanFail() {
        let article = "### A\nFrom `Examples/QuickStart/main.swift`:\n```swift\nlet x = 1\n```\n### B\n```swift\nlet y = 2\n```\n"
        let blocks = Self.quotedBlocks(article)
        #expect(blocks.count == 2 && blocks[0].example == "Examples/QuickStart/main.swift" && blocks[0].code == "let x = 1")
        #expect(blocks[1].example == nil, "a new section forgets the example")
    }
}
