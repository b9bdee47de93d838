import Foundation
import MCNModel
import MCNTensor

/// The reference networks of the benchmark: batch 16 clips (8 videos × 2 views) of 3×8×64×64.
enum BenchNetworks {
    static let names = ["r3d-tiny", "r2plus1d-tiny"]
    static let clipShape = [16, 3, 8, 64, 64]

    struct Instance {
        let network: MCNNetwork
        let theta: Slab
        let buffers: Slab
        let grads: Slab
        let bufferViews: BufferViews
    }

    static func make(_ name: String) -> Instance {
        let net = MCNNetwork(backbone: BackboneSpec.preset(name)!)
        let (theta, buffers) = net.initialValues(seed: 1)
        return Instance(network: net, theta: theta, buffers: buffers, grads: Slab(count: theta.count),
                        bufferViews: BufferViews(layout: net.buffers, slab: buffers))
    }

    /// One backbone training pass on `clips`: forward with batch statistics (running statistics
    /// left alone), backward of the mean feature into `grads`, profiled into `profile` when given.
    // clips: [N, 3, T, H, W]
    static func trainingPass(_ inst: Instance, _ clips: Tensor, profile: OpProfile? = nil) {
        inst.grads.zero()
        let t = Tape(training: true, updateRunningStats: false)
        if let profile { t.startProfiling(profile) }
        let p = BoundParameters(tape: t, layout: inst.network.params, values: inst.theta, grads: inst.grads)
        let h = inst.network.backbone(t, p, inst.bufferViews, t.constant(clips))
        t.backward(t.mean(h))
    }

    /// Every convolution the backbone runs on the reference input, in order.
    static func convGeometries(_ inst: Instance, input: Tensor) -> [Conv3dGeometry] {
        var list: [Conv3dGeometry] = []
        let t = Tape(recording: false)
        t.onConv = { list.append($0) }
        let p = BoundParameters(tape: t, layout: inst.network.params, values: inst.theta, grads: nil)
        _ = inst.network.backbone(t, p, inst.bufferViews, t.constant(input))
        return list
    }

    /// Every distinct convolution of the reference networks on `input` (the first of each label),
    /// and whether its input takes a gradient (not a network's first convolution, whose input is data).
    static func distinctConvolutions(input: Tensor) -> [(geometry: Conv3dGeometry, label: String, inputGradient: Bool)] {
        var seen = Set<String>()
        var list: [(geometry: Conv3dGeometry, label: String, inputGradient: Bool)] = []
        for name in names {
            for (i, g) in convGeometries(make(name), input: input).enumerated() where seen.insert(g.label).inserted {
                list.append((g, g.label, i > 0))
            }
        }
        return list
    }

    /// Random operands of one convolution, with zeroed gradient buffers.
    struct ConvOperands {
        let x, w, dy, dw, dx: Tensor

        // x: [N, C, T, H, W], w: [O, C, kt, kh, kw], dy: [N, O, T', H', W']
        init(_ g: Conv3dGeometry, rng: inout RNG) {
            x = Tensor.randn([g.n, g.c, g.t, g.h, g.w], rng: &rng)
            w = Tensor.randn([g.o, g.c, g.kernel.0, g.kernel.1, g.kernel.2], std: 0.1, rng: &rng)
            dy = Tensor.randn(g.outputShape, rng: &rng)
            dw = Tensor.zeros(w.shape)
            dx = Tensor.zeros(x.shape)
        }
    }

    /// Conv FLOPs of a training pass: forward, plus dW and dX (no dX for the first conv, whose
    /// input is data).
    static func trainFlops(_ geometries: [Conv3dGeometry]) -> Double {
        geometries.enumerated().reduce(0) { $0 + $1.element.forwardFlops * ($1.offset == 0 ? 2 : 3) }
    }
}
