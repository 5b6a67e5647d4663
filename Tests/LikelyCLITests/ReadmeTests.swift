import Foundation
import Testing

/// The README's command lines run as written (here as root, as in containers and CI).
@Suite(.serialized) struct ReadmeTests {
    static let readme = InstallTests.repository.appendingPathComponent("README.md")

    /// The README's `mpirun` line, with `likely` the built executable, its CSV a generated
    /// table with a `price` column and its model directory in a scratch folder. The Open MPI
    /// variables come from the line itself: the test's environment has none of them.
    @Test(.enabled(if: MPITests.mpirunAvailable))
    func theMpirunLineWorks() throws {
        let likely = try #require(CLI.executable, "the likely executable was not found")
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let found = text.split(separator: "\n").first { $0.contains("mpirun -np 2 likely fit") }
        var line = try #require(found.map(String.init), "README.md has no mpirun line")
        if let comment = line.range(of: "   #") { line = String(line[..<comment.lowerBound]) }
        let scratch = try Scratch()
        defer { scratch.remove() }
        let table = Fixtures.regressionCSV(rows: 64).replacingOccurrences(of: "x,y", with: "area,price")
        let data = try scratch.write("housing.csv", table)
        line = line.replacingOccurrences(of: " likely ", with: " \(likely.path) ")
            .replacingOccurrences(of: "housing.csv", with: data)
            .replacingOccurrences(of: "price-model", with: scratch.path("price-model"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", line + " --epochs 2 --quiet"]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OMPI_") }
        let run = try CLI.finish(process, timeout: 120)
        #expect(run.status == 0 && !run.crashed, "\(line): \(run.status) \(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: scratch.path("price-model/weights.safetensors")), "\(run.stderr)")
    }
}
