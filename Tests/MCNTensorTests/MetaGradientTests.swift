import XCTest
@testable import MCNTensor

/// The MAML outer gradient of a small smooth network (conv → BN → softplus → pool → linear →
/// L2 norm → NT-Xent) against finite differences of F(θ) = L(Q; θ − α∇L(S; θ)).
final class MetaGradientTests: XCTestCase {
    struct TinyNet {
        let layout = ParameterLayout()
        let conv, gamma, beta, fc, bias: ParameterHandle
        let state = BatchNormState(runningMean: Tensor.zeros([4]), runningVar: Tensor.filled([4], 1))

        init() {
            conv = layout.add("conv.weight", [4, 3, 3, 3, 3])
            gamma = layout.add("bn.weight", [4])
            beta = layout.add("bn.bias", [4])
            fc = layout.add("fc.weight", [5, 4])
            bias = layout.add("fc.bias", [5])
        }

        // x: [M, 3, 4, 6, 6] -> loss [1]
        func loss(_ t: Tape, _ p: BoundParameters, _ x: Tensor, groups: [Int]) -> Variable {
            var h = t.conv3d(t.constant(x), p[conv], stride: (1, 2, 2), padding: (1, 1, 1))
            h = t.softplus(t.batchNorm(h, gamma: p[gamma], beta: p[beta], state: state))
            let z = t.l2Normalize(t.linear(t.globalAvgPool(h), p[fc], p[bias]))
            return t.ntXent(z, groups: groups, temperature: 0.5)
        }
    }

    func testSecondOrderMatchesFiniteDifferences() {
        var rng = RNG(seed: 3)
        let net = TinyNet()
        let theta = Slab(count: net.layout.count)
        for i in 0..<theta.count { theta.pointer[i] = rng.normal() * 0.4 }
        for e in net.layout.entries where e.name == "bn.weight" { for i in 0..<e.count { theta.pointer[e.offset + i] = 1 } }
        let xs = Tensor.randn([6, 3, 4, 6, 6], rng: &rng), xq = Tensor.randn([6, 3, 4, 6, 6], rng: &rng)
        let groups = [0, 0, 1, 1, 2, 2]
        let alpha: Float = 2

        func lossAt(_ x: Tensor, _ params: Slab, _ grads: Slab?) -> Float {
            let t = Tape(recording: grads != nil, training: true, updateRunningStats: false)
            let p = BoundParameters(tape: t, layout: net.layout, values: params, grads: grads)
            let l = net.loss(t, p, x, groups: groups)
            t.backward(l)
            return l.scalar
        }
        let closure: (MetaPass, Slab, Slab) -> Float = { pass, params, grads in
            lossAt(pass == .query ? xq : xs, params, grads)
        }
        /// F(θ) = L(Q; θ − α∇L(S; θ)).
        func outer(_ th: Slab) -> Double {
            let g = Slab(count: th.count)
            _ = lossAt(xs, th, g)
            let fast = Slab(count: th.count)
            fast.assign(th, plus: -alpha, times: g)
            return Double(lossAt(xq, fast, nil))
        }

        let work = MetaWorkspace(count: theta.count)
        let second = Slab(count: theta.count), first = Slab(count: theta.count)
        _ = MetaGradient(alpha: alpha, order: .secondOrder, epsilon: 1e-3).compute(theta: theta, grad: second, work: work, loss: closure)
        _ = MetaGradient(alpha: alpha, order: .firstOrder).compute(theta: theta, grad: first, work: work, loss: closure)

        // Directional derivatives along the gradient itself and along random directions.
        var directions: [Slab] = [Slab(copying: second)]
        for _ in 0..<3 {
            let u = Slab(count: theta.count)
            for i in 0..<u.count { u.pointer[i] = rng.normal() }
            directions.append(u)
        }
        var secondErrors: [Double] = [], firstErrors: [Double] = []
        for u in directions {
            u.scale(Float(1 / u.norm()))
            let h: Float = 1e-2
            let plus = Slab(count: theta.count), minus = Slab(count: theta.count)
            plus.assign(theta, plus: h, times: u)
            minus.assign(theta, plus: -h, times: u)
            let numeric = (outer(plus) - outer(minus)) / (2 * Double(h))
            let scale = max(abs(numeric), 1e-3)
            secondErrors.append(abs(second.dot(u) - numeric) / scale)
            firstErrors.append(abs(first.dot(u) - numeric) / scale)
        }
        XCTAssertLessThan(secondErrors.max()!, 0.02, "second-order vs finite differences: \(secondErrors)")
        print("second-order relative errors \(secondErrors), first-order \(firstErrors)")
        // The test must be able to tell the modes apart: first order is visibly off here.
        XCTAssertGreaterThan(firstErrors.max()!, 0.05, "first-order unexpectedly exact: \(firstErrors)")
    }

    func testMLDGAddsSupportGradient() {
        var rng = RNG(seed: 4)
        let net = TinyNet()
        let theta = Slab(count: net.layout.count)
        for i in 0..<theta.count { theta.pointer[i] = rng.normal() * 0.4 }
        let x = Tensor.randn([4, 3, 4, 6, 6], rng: &rng)
        let closure: (MetaPass, Slab, Slab) -> Float = { _, params, grads in
            let t = Tape(training: true, updateRunningStats: false)
            let l = net.loss(t, BoundParameters(tape: t, layout: net.layout, values: params, grads: grads), x, groups: [0, 0, 1, 1])
            t.backward(l)
            return l.scalar
        }
        let work = MetaWorkspace(count: theta.count)
        let second = Slab(count: theta.count), mldg = Slab(count: theta.count)
        _ = MetaGradient(alpha: 0.1, order: .secondOrder).compute(theta: theta, grad: second, work: work, loss: closure)
        _ = MetaGradient(alpha: 0.1, order: .mldg).compute(theta: theta, grad: mldg, work: work, loss: closure)
        mldg.add(-1, second)
        mldg.add(-1, work.supportGrad)
        XCTAssertLessThan(mldg.norm(), 1e-4 * max(1, work.supportGrad.norm()))
    }
}
