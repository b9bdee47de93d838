import MCNTensor

/// A 3×3×3 convolution of a block: plain (R3D) or factorised into 1×3×3 → BN → ReLU → 3×1×1 with
/// mid channels = out channels (R(2+1)D), each followed by the block's BatchNorm.
/// Names follow torchvision: `conv1.0.weight` + `conv1.1` (R3D); `conv1.0.0`, `conv1.0.1`,
/// `conv1.0.3` + `conv1.1` (R(2+1)D).
enum ConvUnit {
    case full(ConvBN)
    case factorised(spatial: ConvBN, temporal: ParameterHandle, temporalStride: Int, outer: BatchNormLayer)

    init(_ b: LayoutBuilder, kind: BackboneKind, in ci: Int, out co: Int, stride s: Int) {
        switch kind {
        case .r3d:
            self = .full(ConvBN(b, convName: "0", bnName: "1", in: ci, out: co, kernel: (3, 3, 3),
                                stride: (s, s, s), padding: (1, 1, 1)))
        case .r2plus1d:
            let spatial = ConvBN(b, convName: "0.0", bnName: "0.1", in: ci, out: co, kernel: (1, 3, 3),
                                 stride: (1, s, s), padding: (0, 1, 1))
            let temporal = b.param("0.3.weight", [co, co, 3, 1, 1])
            self = .factorised(spatial: spatial, temporal: temporal, temporalStride: s,
                               outer: BatchNormLayer(b.child("1"), channels: co))
        }
    }

    /// The last BatchNorm (+ ReLU) is left to whatever reads the result (see Activation).
    // x: [N, Cin, T, H, W] -> [N, Cout, T/s, H/s, W/s]
    func callAsFunction(_ t: Tape, _ p: BoundParameters, _ buf: BufferViews, _ x: Activation, relu: Bool) -> Activation {
        switch self {
        case let .full(cb):
            return cb(t, p, buf, x, relu: relu)
        case let .factorised(spatial, temporal, s, outer):
            let m = spatial(t, p, buf, x, relu: true)
            let c = m.convolved(t, p, buf, by: p[temporal], stride: (s, 1, 1), padding: (1, 0, 0))
            return relu ? .beforeBatchNormReLU(c, outer) : .beforeBatchNorm(c, outer)
        }
    }
}

/// A ResNet BasicBlock: unit → ReLU → unit, plus the identity or a 1×1×1 conv + BN shortcut.
struct BasicBlock {
    let conv1, conv2: ConvUnit
    let downsample: ConvBN?

    init(_ b: LayoutBuilder, kind: BackboneKind, in ci: Int, out co: Int, stride: Int) {
        conv1 = ConvUnit(b.child("conv1"), kind: kind, in: ci, out: co, stride: stride)
        conv2 = ConvUnit(b.child("conv2"), kind: kind, in: co, out: co, stride: 1)
        downsample = (stride != 1 || ci != co)
            ? ConvBN(b.child("downsample"), convName: "0", bnName: "1", in: ci, out: co, kernel: (1, 1, 1),
                     stride: (stride, stride, stride), padding: (0, 0, 0))
            : nil
    }

    // x: [N, Cin, T, H, W] -> [N, Cout, T/s, H/s, W/s]
    func callAsFunction(_ t: Tape, _ p: BoundParameters, _ buf: BufferViews, _ x: Variable) -> Variable {
        // The shortcut first: the backward then reaches x through conv1 first, whose input gradient
        // writes every element of x's gradient (no zero fill and no read where StridedInputGradient
        // serves it), and the strided shortcut's then adds into the positions it reaches. Two terms
        // per element, added in either order: the same sum.
        let shortcut = downsample.map { $0(t, p, buf, .tensor(x), relu: false).materialised(t, p, buf) } ?? x
        let h = conv2(t, p, buf, conv1(t, p, buf, .tensor(x), relu: true), relu: false)
        return h.addedReLU(t, p, buf, shortcut)
    }
}

/// R3D or R(2+1)D: stem, four stages (strides 1, 2, 2, 2 in T, H and W), no pooling in the stem.
public struct Backbone {
    public let spec: BackboneSpec
    let stem: [ConvBN]
    let stages: [[BasicBlock]]

    /// Registers the parameters under `builder`'s prefix (e.g. `backbone`).
    public init(_ spec: BackboneSpec, _ builder: LayoutBuilder) {
        self.spec = spec
        let w = spec.widths
        let s = builder.child("stem")
        switch spec.kind {
        case .r3d:
            stem = [ConvBN(s, convName: "0", bnName: "1", in: 3, out: w[0], kernel: (3, 7, 7),
                           stride: (1, 2, 2), padding: (1, 3, 3))]
        case .r2plus1d:
            stem = [ConvBN(s, convName: "0", bnName: "1", in: 3, out: w[0], kernel: (1, 7, 7),
                           stride: (1, 2, 2), padding: (0, 3, 3)),
                    ConvBN(s, convName: "3", bnName: "4", in: w[0], out: w[0], kernel: (3, 1, 1),
                           stride: (1, 1, 1), padding: (1, 0, 0))]
        }
        var stages: [[BasicBlock]] = []
        var cin = w[0]
        for (i, blocks) in spec.layers.enumerated() {
            let layer = builder.child("layer\(i + 1)")
            var stage: [BasicBlock] = []
            for j in 0..<blocks {
                stage.append(BasicBlock(layer.child("\(j)"), kind: spec.kind, in: cin, out: w[i],
                                        stride: (i > 0 && j == 0) ? 2 : 1))
                cin = w[i]
            }
            stages.append(stage)
        }
        self.stages = stages
    }

    /// The last stage's feature map.
    // x: [N, 3, T, H, W] -> [N, C4, T/8, H/16, W/16]
    public func features(_ t: Tape, _ p: BoundParameters, _ buf: BufferViews, _ x: Variable) -> Variable {
        var a = Activation.tensor(x)
        for unit in stem { a = unit(t, p, buf, a, relu: true) }
        var h = a.materialised(t, p, buf)
        for stage in stages { for block in stage { h = block(t, p, buf, h) } }
        return h
    }

    /// Globally average-pooled features.
    // x: [N, 3, T, H, W] -> [N, C4]
    public func callAsFunction(_ t: Tape, _ p: BoundParameters, _ buf: BufferViews, _ x: Variable) -> Variable {
        t.globalAvgPool(features(t, p, buf, x))
    }
}
