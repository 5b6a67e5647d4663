import Foundation
import Testing

struct CalibrateTests {
    @Test func fitCalibratesTheTemperatureOnTheValidationSplit() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("c.csv", Fixtures.classificationCSV(rows: 120))
        let result = try CLI.run(["fit", data, "--out", scratch.path("m"), "--epochs", "30", "--validation-split", "0.25",
                                  "--calibrate", "--seed", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("temperature"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path("m/model.json")))) as! [String: Any]
        let temperature = (json["head"] as! [String: Any])["temperature"] as! Double
        #expect(temperature > 0 && temperature != 1)
        #expect((json["head"] as! [String: Any])["temperature_mc_samples"] as? Int == 0)
        // The temperature belongs to the network predictive: MC dropout with it is bad usage naming both.
        let other = try CLI.run(["evaluate", scratch.path("m"), data, "--mc-samples", "5"])
        #expect(other.status == 2 && other.stderr.contains("network predictive") && other.stderr.contains("dropout predictive"), "\(other.stderr)")
        #expect(try CLI.run(["evaluate", scratch.path("m"), data]).status == 0)
    }

    /// With a Laplace posterior the model's predictive is the Laplace one, so the temperature
    /// is fitted for it (after the posterior) and recorded with its method; the network
    /// predictive with that temperature is bad usage naming both, and a file that pairs a
    /// method with a T it cannot have is refused on loading.
    @Test func aLaplaceFitCalibratesTheLaplacePredictive() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try scratch.write("c.csv", Fixtures.classificationCSV(rows: 120))
        let model = scratch.path("m")
        let result = try CLI.run(["fit", data, "--out", model, "--epochs", "30", "--validation-split", "0.25",
                                  "--calibrate", "--laplace", "last-layer", "--seed", "1", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let url = URL(fileURLWithPath: model + "/model.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var head = try #require(json["head"] as? [String: Any])
        #expect(head["temperature_predictive"] as? String == "laplace")
        #expect(head["temperature_mc_samples"] as? Int == 0)
        #expect((head["temperature"] as? Double).map { $0 > 0 && $0 != 1 } == true)
        #expect(try CLI.run(["evaluate", model, data]).status == 0)
        let network = try CLI.run(["evaluate", model, data, "--predictive", "network"])
        #expect(network.status == 2 && network.stderr.contains("laplace predictive") && network.stderr.contains("network predictive"),
                "\(network.stderr)")

        head["temperature_predictive"] = "dropout"
        json["head"] = head
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        let torn = try CLI.run(["evaluate", model, data])
        #expect(torn.status == 2 && torn.stderr.contains("temperature_predictive"), "\(torn.stderr)")
    }

    @Test func calibrateNeedsAValidationSplitAndAClassifier() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let classes = try scratch.write("c.csv", Fixtures.classificationCSV(rows: 40))
        let a = try CLI.run(["fit", classes, "--out", scratch.path("a"), "--calibrate"])
        #expect(a.status == 2 && a.stderr.contains("--validation-split"))
        let numbers = try scratch.write("r.csv", Fixtures.regressionCSV(rows: 40))
        let b = try CLI.run(["fit", numbers, "--out", scratch.path("b"), "--calibrate", "--validation-split", "0.2"])
        #expect(b.status == 2 && b.stderr.contains("--calibrate"))
    }
}
