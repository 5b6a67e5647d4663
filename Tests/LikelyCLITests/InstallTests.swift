import Foundation
import Likely
import Testing

/// `make install` (the Makefile's recipe, with the build already done) puts a working
/// `likely` under PREFIX/bin, and `make uninstall` removes it.
@Suite struct InstallTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func make(_ arguments: [String]) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["make", "--no-print-directory", "-C", repository.path] + arguments
        return try CLI.finish(process, timeout: 120)
    }

    @Test func makeInstallThenVersion() throws {
        let likely = try #require(CLI.executable, "the likely executable was not found")
        let scratch = try Scratch()
        defer { scratch.remove() }
        let prefix = scratch.path("prefix with space")
        // -o build: the test runs after `swift build`, so the build step is taken as done.
        let install = try Self.make(["-o", "build", "install", "PREFIX=\(prefix)", "LIKELY=\(likely.path)"])
        #expect(install.status == 0, "\(install.stdout) \(install.stderr)")
        let installed = prefix + "/bin/likely"
        let version = try Self.run(installed, ["--version"])
        #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == likelyVersion,
                "\(version.stdout) \(version.stderr)")
        #expect(try Self.run(installed, ["dist", "normal", "--loc", "0", "--scale", "1", "--cdf", "0", "--json"]).stdout.contains("\"cdf\":[0.5]"))
        #expect(try Self.make(["uninstall", "PREFIX=\(prefix)"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: installed))
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        return try CLI.finish(process)
    }
}
