import MCNTensor

/// A fully connected layer's handles (PyTorch layout: weight [out, in], bias [out]).
public struct LinearLayer {
    public let weight, bias: ParameterHandle
    public let inFeatures, outFeatures: Int

    public init(_ b: LayoutBuilder, in i: Int, out o: Int) {
        weight = b.param("weight", [o, i]); bias = b.param("bias", [o])
        inFeatures = i; outFeatures = o
    }

    // x: [N, in] -> [N, out]
    public func callAsFunction(_ t: Tape, _ p: BoundParameters, _ x: Variable) -> Variable {
        t.linear(x, p[weight], p[bias])
    }
}

/// How the meta branch turns a pair of clip features into one input (the feature combination
/// module of MCN's Figure 2).
public enum FeatureCombination: String, Sendable, CaseIterable, Codable {
    case concat, product, difference, all

    /// Input width for features of width d.
    public func width(_ d: Int) -> Int {
        switch self {
        case .concat: return 2 * d
        case .product, .difference: return d
        case .all: return 4 * d
        }
    }

    // hu, hv: [P, D] -> [P, width(D)]
    public func combine(_ t: Tape, _ hu: Variable, _ hv: Variable) -> Variable {
        switch self {
        case .concat: return t.concat([hu, hv], axis: 1)
        case .product: return t.mul(hu, hv)
        case .difference: return t.abs(t.sub(hu, hv))
        case .all: return t.concat([hu, hv, t.mul(hu, hv), t.abs(t.sub(hu, hv))], axis: 1)
        }
    }
}

/// What the FCM combines: the L2-normalised projections ẑ (the contrastive branch's output, as
/// DESIGN.md has it) or the clip features h before the projection head.
public enum FCMInput: String, Sendable, CaseIterable, Codable {
    case projection, feature
}

/// Two-layer MLP head: Linear → ReLU → Linear.
public struct MLPHead {
    public let fc1, fc2: LinearLayer

    /// Names `<prefix>.0.*` and `<prefix>.2.*`, as a PyTorch Sequential(Linear, ReLU, Linear).
    public init(_ b: LayoutBuilder, in i: Int, hidden h: Int, out o: Int) {
        fc1 = LinearLayer(b.child("0"), in: i, out: h)
        fc2 = LinearLayer(b.child("2"), in: h, out: o)
    }

    // x: [N, in] -> [N, out]
    public func callAsFunction(_ t: Tape, _ p: BoundParameters, _ x: Variable) -> Variable {
        fc2(t, p, t.relu(fc1(t, p, x)))
    }
}
