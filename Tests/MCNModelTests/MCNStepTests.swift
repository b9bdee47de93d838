import XCTest
import MCNTensor
@testable import MCNModel

final class MCNStepTests: XCTestCase {
    /// A small R3D and a batch of 4 videos × 2 views of 4×16×16 clips.
    func makeSetup(lambda: Float) -> (MCNNetwork, Slab, Slab, Tensor) {
        var loss = MCNLossConfig()
        loss.lambda = lambda
        loss.temperature = 0.2
        let net = MCNNetwork(backbone: BackboneSpec.preset("r3d-tiny", width: 0.25)!, projectionDim: 16, metaHidden: 8, loss: loss)
        let (theta, buffers) = net.initialValues(seed: 5)
        var rng = RNG(seed: 6)
        return (net, theta, buffers, Tensor.randn([8, 3, 4, 16, 16], rng: &rng))
    }

    /// Plain ∇θ L_con(Q; θ) for the query half (videos 2, 3).
    func contrastiveQueryGradient(_ net: MCNNetwork, _ theta: Slab, _ buffers: Slab, _ clips: Tensor) -> Slab {
        let g = Slab(count: theta.count)
        let t = Tape(training: true, updateRunningStats: false)
        let p = BoundParameters(tape: t, layout: net.params, values: theta, grads: g)
        let r = net.setLoss(t, p, BufferViews(layout: net.buffers, slab: buffers), clips: t.constant(clips.rows(4..<8)),
                            groups: [2, 2, 3, 3], pairs: nil)
        t.backward(r.total)
        return g
    }

    func testWithoutInnerStepAndMetaLossBothOrdersEqualContrastiveGradient() {
        let (net, theta, buffers, clips) = makeSetup(lambda: 0)
        let reference = contrastiveQueryGradient(net, theta, Slab(copying: buffers), clips)
        for order in [MetaOrder.firstOrder, .secondOrder] {
            var cfg = MCNStepConfig()
            cfg.alpha1 = 0
            cfg.order = order
            let grad = Slab(count: theta.count)
            var rng = RNG(seed: 1)
            _ = MCNStep(network: net, config: cfg).run(theta: theta, buffers: Slab(copying: buffers), grad: grad,
                                                      clips: clips, videos: 4, rng: &rng)
            let diff = Slab(copying: grad)
            diff.add(-1, reference)
            XCTAssertLessThan(diff.norm(), 1e-5 * max(1, reference.norm()), "\(order)")
        }
    }

    /// The contrastive baseline over the sets (its default): the mean of L_con(S; θ) and
    /// L_con(Q; θ), each set forwarded on its own as MCN forwards it; over the batch: one L_con over
    /// all views. Gradients against the same losses built by hand.
    func testContrastiveBaselineOverTheSetsOrOverTheBatch() {
        let (net, theta, buffers, clips) = makeSetup(lambda: 0)
        func byHand(_ parts: [(Range<Int>, [Int], Float)]) -> (Slab, Double) {
            let g = Slab(count: theta.count)
            var loss = 0.0
            for (rows, groups, weight) in parts {
                let t = Tape(training: true, updateRunningStats: false)
                let p = BoundParameters(tape: t, layout: net.params, values: theta, grads: g)
                let r = net.setLoss(t, p, BufferViews(layout: net.buffers, slab: Slab(copying: buffers)),
                                    clips: t.constant(clips.rows(rows)), groups: groups, pairs: nil)
                t.backward(t.scale(r.total, weight))
                loss += Double(weight * r.contrastive)
            }
            return (g, loss)
        }
        let expected: [(BaselineLoss, (Slab, Double))] = [
            (.sets, byHand([(0..<4, [0, 0, 1, 1], 0.5), (4..<8, [2, 2, 3, 3], 0.5)])),
            (.batch, byHand([(0..<8, [0, 0, 1, 1, 2, 2, 3, 3], 1)])),
        ]
        for (mode, (reference, loss)) in expected {
            var cfg = MCNStepConfig()
            cfg.method = .contrastive
            cfg.baselineLoss = mode
            let grad = Slab(count: theta.count)
            var rng = RNG(seed: 1)
            let out = MCNStep(network: net, config: cfg).run(theta: theta, buffers: Slab(copying: buffers), grad: grad,
                                                            clips: clips, videos: 4, rng: &rng)
            let diff = Slab(copying: grad)
            diff.add(-1, reference)
            XCTAssertLessThan(diff.norm(), 1e-5 * max(1, reference.norm()), "\(mode)")
            XCTAssertEqual(out.values["loss_con"]!, loss, accuracy: 1e-5, "\(mode)")
            XCTAssertEqual(out.values["loss_con_query"] != nil, mode == .sets, "\(mode)")
        }
    }

    /// First order: the outer gradient is ∇θ' L(Q; θ') at θ' = θ − α∇L(S; θ), computed here by hand.
    func testFirstOrderMatchesIndependentComputation() {
        let (net, theta, buffers, clips) = makeSetup(lambda: 1)
        var cfg = MCNStepConfig()
        cfg.alpha1 = 0.05
        cfg.innerClip = 0
        let grad = Slab(count: theta.count)
        var rng = RNG(seed: 9)
        var rngCopy = rng
        let out = MCNStep(network: net, config: cfg).run(theta: theta, buffers: Slab(copying: buffers), grad: grad,
                                                        clips: clips, videos: 4, rng: &rng)
        // By hand, with the same pairs.
        let sPairs = MetaPairs.sample(groups: [0, 0, 1, 1], negativesPerPositive: 1, rng: &rngCopy)
        let qPairs = MetaPairs.sample(groups: [2, 2, 3, 3], negativesPerPositive: 1, rng: &rngCopy)
        let bv = BufferViews(layout: net.buffers, slab: Slab(copying: buffers))
        let gS = Slab(count: theta.count)
        do {
            let t = Tape(training: true, updateRunningStats: false)
            let p = BoundParameters(tape: t, layout: net.params, values: theta, grads: gS)
            t.backward(net.setLoss(t, p, bv, clips: t.constant(clips.rows(0..<4)), groups: [0, 0, 1, 1], pairs: sPairs).total)
        }
        let fast = Slab(count: theta.count)
        fast.assign(theta, plus: -0.05, times: gS)
        let v = Slab(count: theta.count)
        let t = Tape(training: true, updateRunningStats: false)
        let p = BoundParameters(tape: t, layout: net.params, values: fast, grads: v)
        let q = net.setLoss(t, p, bv, clips: t.constant(clips.rows(4..<8)), groups: [2, 2, 3, 3], pairs: qPairs)
        t.backward(q.total)
        let diff = Slab(copying: grad)
        diff.add(-1, v)
        XCTAssertLessThan(diff.norm(), 1e-4 * max(1, v.norm()))
        XCTAssertEqual(out.values["loss_query"]!, Double(q.total.scalar), accuracy: 1e-4)
        XCTAssertEqual(out.tasks.count, 2)
    }

    func testMetaPairsSampling() {
        var rng = RNG(seed: 1)
        let p = MetaPairs.sample(groups: [0, 0, 1, 1, 2, 2], negativesPerPositive: 2, rng: &rng)
        XCTAssertEqual(p.labels.filter { $0 == 1 }.count, 6)
        XCTAssertEqual(p.labels.filter { $0 == 0 }.count, 12)
        let all = MetaPairs.sample(groups: [0, 0, 1, 1], negativesPerPositive: 0, rng: &rng)
        XCTAssertEqual(all.labels.count, 12)  // every ordered pair of 4 views
        for (i, l) in p.labels.enumerated() { XCTAssertEqual(l == 1, [0, 0, 1, 1, 2, 2][p.u[i]] == [0, 0, 1, 1, 2, 2][p.v[i]]) }
    }
}

/// After the first steps every buffer of a step comes from the pool: the process stops growing.
final class MemoryReuseTests: XCTestCase {
    func testStepsAllocateNothingNewOnceWarm() {
        let net = MCNNetwork(backbone: BackboneSpec.preset("r2plus1d-tiny", width: 0.25)!, projectionDim: 16, metaHidden: 8)
        let (theta, buffers) = net.initialValues(seed: 1)
        var rng = RNG(seed: 2)
        let clips = Tensor.randn([8, 3, 4, 16, 16], rng: &rng)
        var cfg = MCNStepConfig()
        cfg.order = .secondOrder
        let step = MCNStep(network: net, config: cfg)
        let grad = Slab(count: theta.count)
        let opt = SGD(count: theta.count, momentum: 0.9)
        func run() {
            var r = RNG(seed: 3)
            _ = step.run(theta: theta, buffers: buffers, grad: grad, clips: clips, videos: 4, rng: &r, measureInnerDrop: true)
            opt.step(params: theta, grads: grad, lr: 0.01)
        }
        run(); run()
        let before = BufferPool.shared.freshAllocations
        for _ in 0..<5 { run() }
        XCTAssertEqual(BufferPool.shared.freshAllocations.count, before.count, "steps allocated new buffers once warm")
    }
}
