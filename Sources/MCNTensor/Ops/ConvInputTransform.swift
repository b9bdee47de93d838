#if canImport(Glibc)
import Glibc
#endif

/// A BatchNorm + ReLU that a convolution applies to its input on the way in: it reads x and
/// convolves max(x·scale[c] + shift[c], 0) (zero padding stays zero), so the normalised tensor is
/// never written out and read back (Tape.batchNormReLUConv3d). The paths that copy each sample
/// (Winograd's and the direct kernels' padded copies) apply it in the copy; temporal Winograd as it
/// combines planes. Others cannot take it: `fits` says where it applies.
struct ConvInputTransform {
    // scale, shift: [C]
    let scale, shift: UnsafePointer<Float>

    /// On by default; MCN_FUSED_BN_CONV=0 (or `ConvolutionPaths.fusedBatchNorm`) runs BatchNorm +
    /// ReLU and the convolution as two ops everywhere (for A/B runs).
    nonisolated(unsafe) static var fusedEnabled = getenv("MCN_FUSED_BN_CONV").map { String(cString: $0) != "0" } ?? true

    /// Whether both the forward and the weight gradient of g run on paths that take a transform
    /// (the dispatch of conv3dForward and conv3dBackward, in the same order).
    static func fits(_ g: Conv3dGeometry) -> Bool {
        // The convolution that runs: without taps that read only padding.
        let g = LiveTemporalTaps(g)?.g ?? g
        guard StridedPointwise(g) == nil else { return false }
        let forward = WinogradConv(g) != nil || TemporalWinograd(g) != nil
            || DirectConv(g, weightGradient: false).map { $0.inPlace == nil } ?? false
        let weightGradient = WinogradConv(g, weightGradient: true) != nil || DirectConv(g, weightGradient: true) != nil
        return forward && weightGradient
    }
}
