/// The augmentation of training clips: one random transform per clip, the same for each of its
/// frames, drawn independently for each view. Defaults follow the usual contrastive recipe.
public struct AugmentationConfig: Sendable, Codable, Equatable {
    /// Random resized crop: fraction of the frame's area, and aspect ratio (w/h) range.
    public var cropAreaMin: Float = 0.2
    public var cropAreaMax: Float = 1.0
    public var aspectMin: Float = 3.0 / 4.0
    public var aspectMax: Float = 4.0 / 3.0
    /// Horizontal flip with probability 0.5. Off for data whose classes are directions.
    public var flip: Bool = true
    /// Colour jitter, applied with probability `jitterProbability`; factors drawn from
    /// [1 − x, 1 + x] (hue: a shift in [−hue, hue] of a full turn).
    public var jitterProbability: Float = 0.8
    public var brightness: Float = 0.4
    public var contrast: Float = 0.4
    public var saturation: Float = 0.4
    public var hue: Float = 0.1
    public var grayscaleProbability: Float = 0.2
    /// Gaussian blur with this probability (0: never), sigma uniform in [blurSigmaMin, blurSigmaMax]
    /// in output pixels.
    public var blurProbability: Float = 0
    public var blurSigmaMin: Float = 0.1
    public var blurSigmaMax: Float = 2.0
    /// Per-channel normalisation of the [0, 1] values (ImageNet statistics).
    public var mean: [Float] = [0.485, 0.456, 0.406]
    public var std: [Float] = [0.229, 0.224, 0.225]

    public init() {}

    /// The recipe for real action videos.
    public static let standard = AugmentationConfig()

    /// For the bundled sample data: no flip (its classes are left/right and clockwise/counter-
    /// clockwise motions, which a flip turns into each other) and milder crops (small objects).
    public static var sampleData: AugmentationConfig {
        var c = AugmentationConfig()
        c.flip = false
        c.cropAreaMin = 0.35
        return c
    }

    /// No augmentation: a centre crop, only normalised.
    public static var none: AugmentationConfig {
        var c = AugmentationConfig()
        c.cropAreaMin = 1; c.aspectMin = 1; c.aspectMax = 1
        c.flip = false; c.jitterProbability = 0; c.grayscaleProbability = 0; c.blurProbability = 0
        return c
    }
}
