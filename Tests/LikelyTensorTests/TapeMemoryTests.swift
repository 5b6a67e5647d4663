import Foundation
import LikelyTensor
import Testing

/// A recorded op whose output no backward pass reaches (a distribution's eagerly computed
/// σ = e^(ln σ) when the loss reads ln σ) must be freed with its last reference: a pullback
/// that held its own output strongly made a cycle, and a long fit at batch size 1 grew by
/// about 1 MB a second.
@Suite struct TapeMemoryTests {
    @Test func outputsThatNoBackwardPassReachesAreFreed() {
        let x = Tensor([1, 2, 3], requiresGradient: true)
        weak var exponential: Tensor?, quotient: Tensor?, softmax: Tensor?, logSoftmax: Tensor?
        do {
            let e = exp(x), q = x / (x + 1), s = x.softmax(), l = x.logSoftmax()
            (exponential, quotient, softmax, logSoftmax) = (e, q, s, l)
            #expect(exponential != nil && quotient != nil && softmax != nil && logSoftmax != nil)
        }
        #expect(exponential == nil, "exp's output outlived its last reference")
        #expect(quotient == nil, "a / b's output outlived its last reference")
        #expect(softmax == nil, "softmax's output outlived its last reference")
        #expect(logSoftmax == nil, "logSoftmax's output outlived its last reference")
        // The gradients through them are unchanged: d/dx Σ eˣ = eˣ.
        let g: [Float] = exp(x).sum().gradients()[x]?.scalars ?? []
        let expected: [Float] = [Foundation.exp(1), Foundation.exp(2), Foundation.exp(3)]
        #expect(g.count == 3 && zip(g, expected).allSatisfy { Swift.abs($0 - $1) <= 1e-5 * $1 }, "\(g)")
    }
}
