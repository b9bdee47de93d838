import MCNTensor

/// The method's switches that shape the losses (see docs/METHOD.md).
public struct MCNLossConfig: Sendable, Equatable {
    public var temperature: Float = 0.07
    public var lambda: Float = 1
    public var fcm: FeatureCombination = .concat
    public var fcmInput: FCMInput = .projection
    /// Negative pairs sampled per positive; 0 uses every negative pair of the set.
    public var negativesPerPositive: Int = 1
    public init() {}
}

/// θ: the backbone, the projection head (contrastive branch) and the meta classifier (meta
/// branch), all in one parameter layout with dotted names; BatchNorm running statistics in a
/// second (buffer) layout.
public final class MCNNetwork {
    public let params = ParameterLayout()
    public let buffers = ParameterLayout()
    public let backbone: Backbone
    /// The fc feature head (`feature.*`), present when the feature size differs from the backbone's.
    public let featureHead: LinearLayer?
    public let projection: MLPHead
    public let meta: MLPHead
    public let lossConfig: MCNLossConfig

    public init(backbone spec: BackboneSpec, featureDim: Int? = nil, projectionDim: Int = 128, metaHidden: Int = 128,
                loss: MCNLossConfig = MCNLossConfig()) {
        let root = LayoutBuilder(params: params, buffers: buffers, prefix: "")
        backbone = Backbone(spec, root.child("backbone"))
        let d = featureDim ?? spec.featureDim
        featureHead = d == spec.featureDim ? nil : LinearLayer(root.child("feature"), in: spec.featureDim, out: d)
        projection = MLPHead(root.child("projection"), in: d, hidden: d, out: projectionDim)
        meta = MLPHead(root.child("meta"), in: loss.fcm.width(loss.fcmInput == .projection ? projectionDim : d),
                       hidden: metaHidden, out: 2)
        lossConfig = loss
    }

    /// Clip features: the pooled backbone output, through the fc feature head where there is one.
    // clips: [N, 3, T, H, W] -> [N, D]
    public func features(_ t: Tape, _ p: BoundParameters, _ buf: BufferViews, _ clips: Variable) -> Variable {
        let h = backbone(t, p, buf, clips)
        return featureHead.map { $0(t, p, h) } ?? h
    }

    /// Fresh parameters and buffers from `seed`.
    public func initialValues(seed: UInt64) -> (params: Slab, buffers: Slab) {
        let p = Slab(count: params.count), b = Slab(count: buffers.count)
        var rng = RNG.derived(seed: seed, 0x1417)
        initialiseParameters(params, p, buffers: buffers, b, rng: &rng)
        return (p, b)
    }
}
