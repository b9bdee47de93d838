/// The two 3D-CNN families of the MCN paper's comparisons.
public enum BackboneKind: String, Sendable, Codable, CaseIterable {
    case r3d, r2plus1d
}

/// A backbone's shape: family, blocks per stage, stage widths.
public struct BackboneSpec: Sendable, Equatable, Codable {
    public var kind: BackboneKind
    /// BasicBlocks per stage (1,1,1,1 as in VCOP; 2,2,2,2 for 18 layers).
    public var layers: [Int]
    /// Output channels of the stem and the four stages' widths.
    public var widths: [Int]

    public init(kind: BackboneKind, layers: [Int], widths: [Int]) {
        precondition(layers.count == 4 && widths.count == 4, "BackboneSpec: four stages")
        self.kind = kind; self.layers = layers; self.widths = widths
    }

    /// Named presets: `r3d-tiny`, `r2plus1d-tiny` (widths 16-32-64-128, one block a stage),
    /// `r3d-18`, `r2plus1d-18` (64-128-256-512, two blocks a stage); `width` multiplies the widths.
    public static func preset(_ name: String, width: Double = 1, layers: [Int]? = nil) -> BackboneSpec? {
        let base: (BackboneKind, [Int], [Int])
        switch name {
        case "r3d-tiny": base = (.r3d, [1, 1, 1, 1], [16, 32, 64, 128])
        case "r2plus1d-tiny": base = (.r2plus1d, [1, 1, 1, 1], [16, 32, 64, 128])
        case "r3d-18": base = (.r3d, [2, 2, 2, 2], [64, 128, 256, 512])
        case "r2plus1d-18": base = (.r2plus1d, [2, 2, 2, 2], [64, 128, 256, 512])
        default: return nil
        }
        let widths = base.2.map { max(1, Int((Double($0) * width).rounded())) }
        return BackboneSpec(kind: base.0, layers: layers ?? base.1, widths: widths)
    }

    public static let presetNames = ["r3d-tiny", "r2plus1d-tiny", "r3d-18", "r2plus1d-18"]

    /// Channels of the pooled feature.
    public var featureDim: Int { widths[3] }
}
