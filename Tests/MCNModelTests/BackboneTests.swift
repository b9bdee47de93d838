import XCTest
import MCNTensor
@testable import MCNModel

final class BackboneTests: XCTestCase {
    func testPresetShapesAndNames() {
        for name in ["r3d-tiny", "r2plus1d-tiny"] {
            let net = MCNNetwork(backbone: BackboneSpec.preset(name)!)
            let (theta, buffers) = net.initialValues(seed: 1)
            var rng = RNG(seed: 2)
            let x = Tensor.randn([2, 3, 8, 32, 32], rng: &rng)
            let t = Tape(recording: false)
            let p = BoundParameters(tape: t, layout: net.params, values: theta, grads: nil)
            let bv = BufferViews(layout: net.buffers, slab: buffers)
            let fmap = net.backbone.features(t, p, bv, t.constant(x))
            XCTAssertEqual(fmap.shape, [2, 128, 1, 2, 2], name)
            let names = Set(net.params.entries.map(\.name))
            XCTAssertTrue(names.contains("backbone.layer1.0.conv1.0\(name.hasPrefix("r2") ? ".0" : "").weight"), name)
            XCTAssertTrue(names.contains("backbone.layer2.0.downsample.0.weight"), name)
            XCTAssertTrue(names.contains("projection.0.weight") && names.contains("meta.2.bias"), name)
            XCTAssertTrue(net.buffers.entries.contains { $0.name == "backbone.stem.1.running_var" }, name)
        }
        // The meta classifier reads pairs of ẑ (proj_dim wide) by default, pairs of h on request.
        var loss = MCNLossConfig()
        let z = MCNNetwork(backbone: BackboneSpec.preset("r3d-tiny")!, projectionDim: 16, loss: loss)
        XCTAssertEqual(z.params[z.params.handle("meta.0.weight")!].shape, [128, 32])
        loss.fcmInput = .feature
        let h = MCNNetwork(backbone: BackboneSpec.preset("r3d-tiny")!, projectionDim: 16, loss: loss)
        XCTAssertEqual(h.params[h.params.handle("meta.0.weight")!].shape, [128, 256])
        let r2 = MCNNetwork(backbone: BackboneSpec.preset("r2plus1d-tiny")!)
        XCTAssertNotNil(r2.params.handle("backbone.layer2.0.conv1.0.3.weight"))
        XCTAssertEqual(r2.params[r2.params.handle("backbone.stem.3.weight")!].shape, [16, 16, 3, 1, 1])
    }

    /// Both backbones with every BatchNorm taken into what reads it (the default) and with each one
    /// written out (ConvolutionPaths.fusedBatchNorm and .moments off): the same features, parameter
    /// gradients and running statistics (updated once per BatchNorm).
    func testFusedBatchNormsChangeNothingButTheWork() {
        for name in ["r3d-tiny", "r2plus1d-tiny"] {
            let net = MCNNetwork(backbone: BackboneSpec.preset(name)!)
            let (theta, buffers) = net.initialValues(seed: 1)
            var rng = RNG(seed: 2)
            let x = Tensor.randn([4, 3, 8, 32, 32], rng: &rng)
            func run(fused: Bool) -> (features: [Float], grads: [Float], buffers: [Float]) {
                let saved = (ConvolutionPaths.fusedBatchNorm, ConvolutionPaths.moments)
                (ConvolutionPaths.fusedBatchNorm, ConvolutionPaths.moments) = (fused, fused)
                defer { (ConvolutionPaths.fusedBatchNorm, ConvolutionPaths.moments) = saved }
                let grads = Slab(count: theta.count), running = Slab(copying: buffers)
                let t = Tape(recording: true, training: true, updateRunningStats: true)
                let p = BoundParameters(tape: t, layout: net.params, values: theta, grads: grads)
                let h = net.backbone(t, p, BufferViews(layout: net.buffers, slab: running), t.constant(x))
                var r = RNG(seed: 3)
                t.backward(h, gradient: Tensor.randn(h.shape, rng: &r))
                return (h.value.toArray(), Array(grads.buffer), Array(running.buffer))
            }
            let (a, b) = (run(fused: true), run(fused: false))
            for (what, u, v) in [("features", a.features, b.features), ("gradients", a.grads, b.grads),
                                 ("running statistics", a.buffers, b.buffers)] {
                let scale = v.map { Swift.abs($0) }.max() ?? 1
                let worst = zip(u, v).map { Swift.abs($0 - $1) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-3 * max(1, scale), "\(name) \(what)")
            }
        }
    }

    func testEighteenLayerPresets() {
        let spec = BackboneSpec.preset("r3d-18", width: 0.25)!
        XCTAssertEqual(spec.layers, [2, 2, 2, 2])
        XCTAssertEqual(spec.widths, [16, 32, 64, 128])
        let net = MCNNetwork(backbone: spec)
        XCTAssertNotNil(net.params.handle("backbone.layer4.1.conv2.0.weight"))
    }
}
