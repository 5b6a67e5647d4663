import Foundation
import Likely
import LikelyTensor
import LikelyTestSupport
import Testing

/// `RegionScores`: the scores of the observations inside one region only (the demo's gap).
@Suite struct RegionScoresTests {
    /// Four observations, the region holds 0, 2 and 3:
    /// nll = (1 + 3 + 4)/3 = 8/3; y₀ = .5 ∈ [0, 1] yes, y₂ = 1.5 ∈ [0, 1] no, y₃ = 1 ∈ [0, 2] yes
    /// → coverage 2/3 (observation 1, y = 3 ∉ [0, 2], is outside the region and does not count);
    /// width (1 + 1 + 2)/3 = 4/3; epistemic sd (.1 + .3 + .4)/3 = .8/3.
    /// The complement {1}: nll 2, coverage 0, width 2, sd .2.
    @Test func scoresOnlyTheObservationsInTheRegion() {
        let ll: [Double] = [-1, -2, -3, -4], lower: [Double] = [0, 0, 0, 0], upper: [Double] = [1, 2, 1, 2]
        let y: [Double] = [0.5, 3, 1.5, 1], sd = [0.1, 0.2, 0.3, 0.4]
        let region = [true, false, true, true]
        let inside = RegionScores(logLikelihoods: ll, lower: lower, upper: upper, observations: y, epistemicSD: sd, inRegion: region, level: 0.9)
        #expect(inside.n == 3 && inside.level == 0.9)
        #expect(isApproximatelyEqual(inside.nll, 8.0 / 3, absolute: 1e-12, relative: 0))
        #expect(isApproximatelyEqual(inside.coverage, 2.0 / 3, absolute: 1e-12, relative: 0))
        #expect(isApproximatelyEqual(inside.meanWidth, 4.0 / 3, absolute: 1e-12, relative: 0))
        #expect(isApproximatelyEqual(inside.meanEpistemicSD, 0.8 / 3, absolute: 1e-12, relative: 0))
        let outside = RegionScores(logLikelihoods: ll, lower: lower, upper: upper, observations: y, epistemicSD: sd,
                                   inRegion: region.map { !$0 }, level: 0.9)
        #expect(outside.n == 1 && outside.nll == 2 && outside.coverage == 0 && outside.meanWidth == 2 && outside.meanEpistemicSD == 0.2)
    }

    /// A NaN bound leaves its observation out of coverage and width (not out of nll); an empty
    /// region is NaN everywhere, which the JSON writes as null with a note.
    @Test func undefinedBoundsAndEmptyRegions() throws {
        let region = RegionScores(logLikelihoods: [-1, -1, -1], lower: [0, 0, .nan], upper: [1, 1, 2], observations: [0.5, 2, 1],
                                  epistemicSD: [0, 0, 0], inRegion: [true, true, true], level: 0.5)
        #expect(region.coverage == 0.5 && region.meanWidth == 1 && region.nll == 1)
        let empty = RegionScores(logLikelihoods: [-1], lower: [0], upper: [1], observations: [0.5], epistemicSD: [0],
                                 inRegion: [false], level: 0.9)
        #expect(empty.n == 0 && empty.nll.isNaN && empty.coverage.isNaN && empty.meanWidth.isNaN && empty.meanEpistemicSD.isNaN)
        let json = try JSONNumbers.encode(empty)
        #expect(json.contains("\"nll\":null") && json.contains("\"/nll\""))
    }

    /// From a predictive: N(0, 1) for three inputs, targets 0, 5, 3, the region {0, 2}.
    /// nll = ½ log 2π + ½ (0 + 9)/2 = 0.918938533 + 2.25; the 90% interval ±1.644853627
    /// (scipy.stats.norm.ppf(0.95)) holds 0, not 3 → coverage ½; width 3.289707254; one
    /// member, so no epistemic spread.
    @Test func fromAPredictive() {
        let predictive = Predictive(head: Head(.normal), members: [Normal(loc: Tensor([0, 0, 0]), scale: Tensor([1, 1, 1]))])
        let s = predictive.regionScores(targets: Tensor([0, 5, 3]), inRegion: [true, false, true], level: 0.9)
        #expect(s.n == 2 && s.coverage == 0.5 && s.meanEpistemicSD == 0)
        #expect(isApproximatelyEqual(s.nll, 0.9189385332046727 + 2.25, absolute: 1e-5, relative: 0))
        #expect(isApproximatelyEqual(s.meanWidth, 2 * 1.6448536269514722, absolute: 1e-4, relative: 0))
    }
}
