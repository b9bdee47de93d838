import XCTest
@testable import MCNTensor

final class OptimizerTests: XCTestCase {
    /// Minimises Σ (θ − 3)² with each optimiser.
    func testOptimisersConverge() {
        let makers: [(String, (Int) -> Optimizer, Float)] = [
            ("sgd", { SGD(count: $0, momentum: 0.9) }, 0.05),
            ("adam", { Adam(count: $0) }, 0.1),
            ("adamw", { Adam(count: $0, weightDecay: 1e-4, decoupled: true) }, 0.1),
        ]
        for (name, make, lr) in makers {
            let p = Slab(count: 5), g = Slab(count: 5)
            let opt = make(5)
            for _ in 0..<300 {
                for i in 0..<5 { g.pointer[i] = 2 * (p.pointer[i] - 3) }
                opt.step(params: p, grads: g, lr: lr)
            }
            for i in 0..<5 { XCTAssertEqual(p.pointer[i], 3, accuracy: 0.05, name) }
        }
    }

    func testSGDMatchesPyTorchUpdateRule() {
        // PyTorch: v1 = g; θ1 = θ0 − lr·v1; v2 = μ·v1 + g; with weight decay g += λθ.
        let p = Slab(count: 1), g = Slab(count: 1)
        p.pointer[0] = 1; g.pointer[0] = 0.5
        let opt = SGD(count: 1, momentum: 0.9, weightDecay: 0.1)
        opt.step(params: p, grads: g, lr: 0.1)
        XCTAssertEqual(p.pointer[0], 1 - 0.1 * 0.6, accuracy: 1e-6)
        opt.step(params: p, grads: g, lr: 0.1)
        let d2: Float = 0.5 + 0.1 * 0.94, v2: Float = 0.9 * 0.6 + d2
        XCTAssertEqual(p.pointer[0], 0.94 - 0.1 * v2, accuracy: 1e-6)
    }

    func testSchedules() {
        XCTAssertEqual(LRSchedule.constant.rate(base: 0.1, step: 50, total: 100), 0.1)
        XCTAssertEqual(LRSchedule.step(stepSize: 10, gamma: 0.5).rate(base: 1, step: 25, total: 100), 0.25)
        XCTAssertEqual(LRSchedule.cosine.rate(base: 1, step: 0, total: 100), 1, accuracy: 1e-9)
        XCTAssertEqual(LRSchedule.cosine.rate(base: 1, step: 50, total: 100), 0.5, accuracy: 1e-9)
        XCTAssertEqual(LRSchedule.cosine.rate(base: 1, step: 4, total: 100, warmup: 10), 0.5, accuracy: 1e-9)
        XCTAssertEqual(LRSchedule.cosine.rate(base: 1, step: 10, total: 110, warmup: 10), 1, accuracy: 1e-9)
    }

    func testRNGIsDeterministicAndRestorable() {
        var a = RNG(seed: 42)
        _ = (0..<10).map { _ in a.next() }
        let saved = a.state
        let x = (0..<5).map { _ in a.next() }
        var b = RNG(state: saved)
        XCTAssertEqual(x, (0..<5).map { _ in b.next() })
        var c = RNG(seed: 42), d = RNG(seed: 43)
        XCTAssertNotEqual(c.next(), d.next())
    }

    func testBufferPoolReusesBuffers() {
        BufferPool.shared.drain()
        var first: UnsafeMutablePointer<Float>?
        do { let t = Tensor.zeros([1234]); first = t.pointer }
        let t2 = Tensor.zeros([1234])
        XCTAssertEqual(first, t2.pointer)
    }

    /// Buffers of 2 MB or more start on a 2 MB boundary (so the kernel can back them with huge
    /// pages), are writable to their end, and are reused like the others.
    func testBufferPoolPutsLargeBuffersOnHugePageBoundaries() throws {
        try XCTSkipUnless(BufferPool.hugePages, "MCN_HUGE_PAGES=0")
        BufferPool.shared.drain()
        let count = (3 << 20) / 4 + 5   // a little over 3 MB
        var first: UnsafeMutablePointer<Float>?
        do {
            let t = Tensor.zeros([count])
            XCTAssertEqual(Int(bitPattern: t.pointer) % (2 << 20), 0)
            t.pointer[count - 1] = 1
            XCTAssertEqual(t.pointer[count - 1], 1)
            first = t.pointer
        }
        XCTAssertEqual(first, Tensor.zeros([count]).pointer)
    }
}
