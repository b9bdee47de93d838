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
        let r2 = MCNNetwork(backbone: BackboneSpec.preset("r2plus1d-tiny")!)
        XCTAssertNotNil(r2.params.handle("backbone.layer2.0.conv1.0.3.weight"))
        XCTAssertEqual(r2.params[r2.params.handle("backbone.stem.3.weight")!].shape, [16, 16, 3, 1, 1])
    }

    func testEighteenLayerPresets() {
        let spec = BackboneSpec.preset("r3d-18", width: 0.25)!
        XCTAssertEqual(spec.layers, [2, 2, 2, 2])
        XCTAssertEqual(spec.widths, [16, 32, 64, 128])
        let net = MCNNetwork(backbone: spec)
        XCTAssertNotNil(net.params.handle("backbone.layer4.1.conv2.0.weight"))
    }
}
