import CTensorKernels
import XCTest
@testable import MCNTensor

/// The vol2col + sgemm convolution against a direct six-loop reference.
final class ConvReferenceTests: XCTestCase {
    func directConv(_ x: Tensor, _ w: Tensor, _ g: Conv3dGeometry) -> [Float] {
        var y = [Float](repeating: 0, count: Tensor.elementCount(g.outputShape))
        let (kt, kh, kw) = g.kernel
        for n in 0..<g.n { for o in 0..<g.o { for a in 0..<g.to { for b in 0..<g.ho { for d in 0..<g.wo {
            var s: Float = 0
            for c in 0..<g.c { for i in 0..<kt { for j in 0..<kh { for k in 0..<kw {
                let t = a * g.stride.0 - g.padding.0 + i, h = b * g.stride.1 - g.padding.1 + j, ww = d * g.stride.2 - g.padding.2 + k
                if t < 0 || t >= g.t || h < 0 || h >= g.h || ww < 0 || ww >= g.w { continue }
                s += x[(((n * g.c + c) * g.t + t) * g.h + h) * g.w + ww] * w[(((o * g.c + c) * kt + i) * kh + j) * kw + k]
            } } } }
            y[(((n * g.o + o) * g.to + a) * g.ho + b) * g.wo + d] = s
        } } } } }
        return y
    }

    /// Both ways of spreading samples over the cores (see ConvPlan), with and without the
    /// row-shift layout of one-sample convolutions (see RowShift).
    func testMatchesDirectConvolution() {
        for split in [false, true] { for rows in [false, true] { with(split: split, rowShift: rows) { forwardCases() } } }
    }

    func testBackwardMatchesDirectLoops() {
        for split in [false, true] { for rows in [false, true] { with(split: split, rowShift: rows) { backwardCases() } } }
    }

    /// The row-shift layout takes exactly the shapes it should: blocked, kernels taller than a
    /// row, planes of 256 positions or more.
    func testRowShiftAppliesToBlockedTallKernels() {
        let stem = Conv3dGeometry(input: [16, 3, 8, 64, 64], weight: [16, 3, 3, 7, 7], stride: (1, 2, 2), padding: (1, 3, 3))
        let layer1 = Conv3dGeometry(input: [16, 16, 8, 32, 32], weight: [16, 16, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        let temporal = Conv3dGeometry(input: [16, 16, 8, 32, 32], weight: [16, 16, 3, 1, 1], stride: (1, 1, 1), padding: (1, 0, 0))
        let layer2 = Conv3dGeometry(input: [16, 32, 4, 16, 16], weight: [32, 32, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        XCTAssertEqual(RowShift(stem, blocked: ConvPlan(stem).blocked).map { [$0.phases, $0.shifts, $0.rows] }, [2, 4, 126])
        XCTAssertEqual(RowShift(layer1, blocked: ConvPlan(layer1).blocked).map { [$0.phases, $0.shifts, $0.rows] }, [1, 3, 144])
        XCTAssertNil(RowShift(temporal, blocked: ConvPlan(temporal).blocked))
        XCTAssertEqual(RowShift(layer2, blocked: ConvPlan(layer2).blocked).map { [$0.phases, $0.shifts, $0.rows] }, [1, 3, 288])
        let layer3 = Conv3dGeometry(input: [16, 64, 2, 8, 8], weight: [64, 64, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        XCTAssertNil(RowShift(layer3, blocked: ConvPlan(layer3).blocked))
    }

    /// Row-shift blocks of a few rows (several blocks a plane, a short last one) and whole planes.
    func testRowShiftBlocksMatchDirectConvolution() {
        let saved = RowShift.blockFloats
        defer { RowShift.blockFloats = saved }
        for floats in [1 << 12, 0] {
            RowShift.blockFloats = floats
            for split in [false, true] { with(split: split, rowShift: true) { forwardCases(); backwardCases() } }
        }
    }

    /// With units shared by the cores, the weight gradient is the same to the bit whichever
    /// worker ran which unit (seeded runs repeat themselves): units handed out first-to-last and
    /// last-to-first give identical sums. Row-shift, blocked, chunked and direct paths.
    func testSplitWeightGradientDoesNotDependOnWhichWorkerRanAUnit() throws {
        let saved = (BLAS.threads, ConvPlan.handOutReversed)
        BLAS.setThreads(2)
        defer { BLAS.setThreads(saved.0); ConvPlan.handOutReversed = saved.1 }
        guard BLAS.threads >= 2 else { throw XCTSkip("one BLAS thread: no units run in parallel") }
        var rng = RNG(seed: 13)
        let cases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
            ([6, 3, 4, 40, 40], [4, 3, 3, 7, 7], (1, 2, 2), (1, 3, 3)),     // blocked, row-shift dW
            ([8, 4, 4, 40, 40], [3, 4, 3, 1, 1], (1, 1, 1), (1, 0, 0)),     // blocked, vol2col dW
            ([12, 2, 4, 16, 16], [3, 2, 3, 1, 1], (1, 1, 1), (1, 0, 0)),    // chunked, 4 samples a unit
            ([6, 2, 3, 16, 16], [8, 2, 3, 3, 3], (1, 1, 1), (1, 1, 1)),     // direct kernels
        ]
        for (xs, ws, s, p) in cases {
            let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, rng: &rng)
            let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
            XCTAssertGreaterThan(ConvPlan(g, perSample: ws == [8, 2, 3, 3, 3]).units, 2, "case \(ws) must have several units")
            if ws != [8, 2, 3, 3, 3] { XCTAssertEqual(ConvPlan(g).blocked, ws != [3, 2, 3, 1, 1], "case \(ws)") }
            let dy = Tensor.randn(g.outputShape, rng: &rng)
            let start = Tensor.randn(ws, rng: &rng).toArray()
            var results: [[Float]] = []
            for reversed in [false, true, false] {
                ConvPlan.handOutReversed = reversed
                let dw = Tensor(shape: ws, values: start)
                with(split: true, rowShift: true, direct: true) {
                    if ws == [8, 2, 3, 3, 3] { XCTAssertNotNil(DirectConv(g, weightGradient: true)) }
                    conv3dBackward(x, w, dy.pointer, g, dw: dw.pointer, dx: nil)
                }
                results.append(dw.toArray())
            }
            XCTAssertTrue(results[0] == results[1], "case \(ws): the reversed hand-out changed dW")
            XCTAssertTrue(results[0] == results[2], "case \(ws): a second run changed dW")
        }
    }

    /// Shapes the direct kernels take (output channels a multiple of 4, output planes of 256
    /// positions or more): odd sizes, a plane whose last tile runs past it, even and one-tap kernels,
    /// uneven padding, 4 to 24 channels (blocks 4; 4+4; 6+6+4; 6+6+4+4; 6×4), tap counts that are
    /// not a multiple of the weight-gradient tile (6: tails 1–5) nor of the forward's tap chunk; the
    /// cases with fewer than 64 taps check the weight gradient's kernel only. One tap high and wide
    /// without spatial padding, the forward reads x in place (InPlaceTaps).
    static let directCases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
        ([3, 4, 4, 16, 16], [8, 4, 3, 3, 3], (1, 1, 1), (1, 1, 1)),      // layer2's conv2, narrower
        ([2, 24, 5, 17, 19], [16, 24, 3, 1, 1], (1, 1, 1), (1, 0, 0)),   // R(2+1)D temporal, odd plane
        ([2, 5, 3, 20, 30], [8, 5, 1, 3, 5], (1, 1, 1), (0, 1, 2)),      // spatial, wide kernel
        ([2, 8, 3, 18, 18], [24, 8, 2, 2, 2], (1, 1, 1), (0, 1, 0)),     // even kernel, uneven padding
        ([2, 6, 3, 16, 17], [8, 6, 3, 3, 3], (1, 1, 1), (1, 1, 1)),      // 162 taps: two forward chunks
        ([2, 3, 2, 16, 16], [4, 3, 3, 3, 3], (1, 1, 1), (1, 1, 1)),      // one block of 4
        ([2, 8, 2, 16, 16], [20, 8, 1, 3, 3], (1, 1, 1), (0, 1, 1)),     // blocks 6, 6, 4, 4
        ([2, 2, 3, 16, 16], [8, 2, 3, 1, 1], (1, 1, 1), (1, 0, 0)),      // 6 taps: direct dW only
        ([2, 1, 2, 16, 20], [4, 1, 1, 1, 5], (1, 1, 1), (0, 0, 2)),      // 5 taps
        ([2, 1, 9, 16, 16], [4, 1, 7, 1, 1], (1, 1, 1), (3, 0, 0)),      // 7 taps
        ([2, 32, 6, 16, 16], [16, 32, 3, 1, 1], (1, 1, 1), (1, 0, 0)),   // R(2+1)D's temporal conv: in place
        ([2, 24, 7, 16, 16], [8, 24, 3, 1, 1], (2, 1, 1), (1, 0, 0)),    // in place, temporal stride 2
        ([2, 32, 3, 16, 16], [8, 32, 2, 1, 1], (1, 1, 1), (3, 0, 0)),    // in place, planes of padding only
        ([2, 32, 6, 16, 16], [32, 32, 3, 1, 1], (1, 1, 1), (1, 0, 0)),   // in place, its input gradient too
        ([2, 32, 6, 16, 16], [8, 32, 5, 1, 1], (1, 1, 1), (2, 0, 0)),    // in place, two tap chunks, end planes
        ([2, 1, 1, 256, 1], [4, 1, 1, 3, 3], (1, 1, 3), (0, 1, 1)),      // a phase wholly right of the row
        ([2, 24, 3, 32, 32], [8, 24, 3, 1, 1], (1, 1, 1), (1, 0, 0)),    // 4 KB planes: copied with gaps, not in place
        ([2, 3, 4, 37, 41], [8, 3, 3, 7, 7], (1, 2, 2), (1, 3, 3)),      // the R3D stem, odd sizes
        ([2, 4, 6, 34, 33], [8, 4, 3, 3, 3], (2, 2, 2), (1, 1, 1)),      // stride 2 everywhere
        ([2, 16, 4, 32, 36], [8, 16, 1, 3, 3], (1, 2, 2), (0, 1, 1)),    // R(2+1)D's downsampling 1×3×3, 16 channels
        ([2, 8, 5, 16, 18], [4, 8, 3, 1, 1], (2, 1, 1), (1, 0, 0)),      // R(2+1)D temporal stride 2
        ([2, 4, 2, 50, 47], [4, 4, 1, 5, 4], (1, 3, 2), (0, 2, 1)),      // strides 3 and 2, kh 5 kw 4
    ]

    /// The direct kernels (DirectConv) against the six loops: with the samples split over two
    /// workers, and on one BLAS thread (one worker). Gradients accumulate into what is there.
    func testDirectConvolutionMatchesDirectLoops() {
        withDirectKernelsOnTwoWorkersAndOne { threads in
            for (xs, ws, s, p) in Self.directCases {
                let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
                if threads == BLAS.threads {
                    XCTAssertNotNil(DirectConv(g, weightGradient: true), "case \(ws): dW must take the direct path")
                    XCTAssertEqual(DirectConv(g, weightGradient: false) != nil, g.k >= 64,
                                   "case \(ws): forward")
                }
            }
            forwardCases(Self.directCases)
            backwardCases(Self.directCases)
        }
    }

    /// Shapes Winograd takes. F(4×4, 3×3) (the first four and the seventh): rows of 8 tiles (two a
    /// group) and 16, 16 taps from one temporal tap, an even kernel. F(2×2, 3×3) (the others, and
    /// all of them again with F(4×4) off): rows of 16 tiles (one a group), 8 (two), 4 (four), 2
    /// (eight) and 32 (two groups a row); temporal kernels of 3, 1 and 2 (even, padded on one side
    /// in the transposed convolution), no temporal padding; output channel blocks 6+6+4, 6+6, 4×8,
    /// 6+6+4+4. Weight gradients where kt ≥ 2 (≤ 32 channels) by whichever tile fits (see
    /// WinogradConv.weightGradientTile).
    static let winogradCases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
        ([2, 16, 4, 32, 32], [16, 16, 3, 3, 3], (1, 1, 1), (1, 1, 1)),   // r3d layer1, shorter clips: F(4×4)
        ([2, 16, 3, 32, 32], [16, 16, 1, 3, 3], (1, 1, 1), (0, 1, 1)),   // R(2+1)D layer1's spatial conv: F(4×4)
        ([2, 8, 2, 16, 64], [12, 8, 2, 3, 3], (1, 1, 1), (1, 1, 1)),     // F(4×4), 16 tiles a row, even kt
        ([2, 12, 4, 32, 32], [8, 12, 3, 3, 3], (1, 1, 1), (0, 1, 1)),    // F(4×4), no temporal padding
        ([2, 32, 2, 16, 16], [32, 32, 1, 3, 3], (1, 1, 1), (0, 1, 1)),   // R(2+1)D's spatial conv
        ([2, 12, 2, 8, 8], [12, 12, 3, 3, 3], (1, 1, 1), (1, 1, 1)),     // layer3's planes
        ([2, 12, 2, 4, 64], [12, 12, 3, 3, 3], (1, 1, 1), (1, 1, 1)),    // F(4×4) 16 tiles in one row (F(2×2): 32)
        ([2, 16, 3, 16, 4], [20, 16, 2, 3, 3], (1, 1, 1), (1, 1, 1)),    // 2 tiles a row, even kt
        ([2, 12, 5, 8, 8], [12, 12, 3, 3, 3], (1, 1, 1), (0, 1, 1)),     // no temporal padding
    ]

    /// Shapes the temporal F(2, 3) takes: planes of 1024 positions (one block), 1280 (five blocks
    /// of 256), 1536 (three of 512), 2048 (two of 1024), 16 (blocks of 4 and 4 channels), 64 and 256;
    /// an odd number of output planes (a last pair of one), no temporal padding (the transposed
    /// convolution then pads 2), padding 2 (planes of padding only).
    static let temporalWinogradCases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
        ([2, 16, 8, 32, 32], [16, 16, 3, 1, 1], (1, 1, 1), (1, 0, 0)),   // R(2+1)D layer1
        ([2, 4, 3, 40, 32], [8, 4, 3, 1, 1], (1, 1, 1), (1, 0, 0)),      // several blocks a plane
        ([2, 4, 3, 48, 32], [8, 4, 3, 1, 1], (1, 1, 1), (1, 0, 0)),
        ([2, 4, 3, 64, 32], [8, 4, 3, 1, 1], (1, 1, 1), (1, 0, 0)),
        ([2, 12, 7, 4, 4], [8, 12, 3, 1, 1], (1, 1, 1), (1, 0, 0)),
        ([2, 8, 5, 8, 8], [12, 8, 3, 1, 1], (1, 1, 1), (0, 0, 0)),
        ([2, 4, 3, 16, 16], [4, 4, 3, 1, 1], (1, 1, 1), (2, 0, 0)),
        ([2, 4, 11, 4, 8], [4, 4, 3, 1, 1], (1, 1, 1), (1, 0, 0)),       // an odd number of planes
        ([2, 8, 1, 4, 4], [8, 8, 3, 1, 1], (1, 1, 1), (1, 0, 0)),        // one plane: two taps in the padding
    ]

    /// Kernels whose outer temporal taps read only padding (LiveTemporalTaps) against the six loops,
    /// with the taps dropped and kept, on every path the reduced convolution takes.
    func testLiveTemporalTapsMatchDirectLoops() {
        let saved = LiveTemporalTaps.enabled
        defer { LiveTemporalTaps.enabled = saved }
        let cases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
            ([2, 8, 1, 4, 4], [8, 8, 3, 3, 3], (1, 1, 1), (1, 1, 1)),      // R3D's layer4 at 8 frames: one tap of three
            ([2, 4, 2, 8, 8], [8, 4, 3, 3, 3], (2, 2, 2), (1, 1, 1)),      // two planes, stride 2: two of three
            ([2, 8, 1, 4, 4], [8, 8, 3, 1, 1], (1, 1, 1), (1, 0, 0)),      // R(2+1)D's temporal one
            ([2, 3, 1, 5, 5], [4, 3, 5, 3, 3], (1, 1, 1), (2, 1, 1)),      // five taps over one plane
        ]
        for enabled in [true, false] {
            LiveTemporalTaps.enabled = enabled
            for (xs, ws, s, p) in cases {
                let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
                XCTAssertEqual(LiveTemporalTaps(g) != nil, enabled, g.label)
            }
            for split in [false, true] { with(split: split, rowShift: true, direct: true, winograd: true) {
                forwardCases(cases)
                backwardCases(cases)
            } }
        }
        LiveTemporalTaps.enabled = true
        let all = Conv3dGeometry(input: [2, 3, 3, 5, 5], weight: [4, 3, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        XCTAssertNil(LiveTemporalTaps(all), "every tap reads data somewhere")
        let reduced = LiveTemporalTaps(Conv3dGeometry(input: [2, 3, 1, 5, 5], weight: [4, 3, 5, 3, 3], stride: (1, 1, 1), padding: (2, 1, 1)))
        XCTAssertEqual(reduced?.taps, 2..<3)
        XCTAssertEqual(reduced?.g.kernel.0, 1); XCTAssertEqual(reduced?.g.padding.0, 0)
    }

    /// The temporal F(2, 3) (TemporalWinograd) against the six loops, forward and input gradient,
    /// on two workers and on one.
    func testTemporalWinogradMatchesDirectLoops() {
        let saved = BLAS.threads
        defer { BLAS.setThreads(saved) }
        for threads in [2, 1] {
            BLAS.setThreads(threads)
            with(split: true, rowShift: true, direct: true, winograd: true) {
                for (xs, ws, s, p) in Self.temporalWinogradCases where BLAS.threads == threads {
                    XCTAssertNotNil(TemporalWinograd(Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)), "case \(xs) \(ws)")
                }
                forwardCases(Self.temporalWinogradCases)
                backwardCases(Self.temporalWinogradCases)
            }
        }
        let wide = Conv3dGeometry(input: [2, 32, 4, 16, 16], weight: [32, 32, 3, 1, 1], stride: (1, 1, 1), padding: (1, 0, 0))
        let strided = Conv3dGeometry(input: [2, 16, 8, 16, 16], weight: [16, 16, 3, 1, 1], stride: (2, 1, 1), padding: (1, 0, 0))
        let oddPlane = Conv3dGeometry(input: [2, 16, 8, 5, 5], weight: [16, 16, 3, 1, 1], stride: (1, 1, 1), padding: (1, 0, 0))
        for g in [wide, strided, oddPlane] { XCTAssertFalse(TemporalWinograd.fits(g), "\(g.label)") }
    }

    /// Winograd (WinogradConv) against the six loops, forward, weight gradient and (through the
    /// transposed convolution) input gradient, on two workers and on one; then with F(4×4) off, so
    /// F(2×2) serves the planes F(4×4) would have.
    func testWinogradMatchesDirectLoops() {
        let saved = (BLAS.threads, WinogradConv.largeTiles)
        defer { BLAS.setThreads(saved.0); WinogradConv.largeTiles = saved.1 }
        for (threads, large) in [(2, true), (1, true), (2, false)] {
            BLAS.setThreads(threads)
            WinogradConv.largeTiles = large
            with(split: true, rowShift: true, direct: true, winograd: true) {
                for (xs, ws, s, p) in Self.winogradCases where BLAS.threads == threads {
                    let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
                    XCTAssertEqual(WinogradConv(g) != nil, large || WinogradConv.fitsSmallTiles(g), "case \(xs) \(ws)")
                    // The weight gradient goes through Winograd wherever its rule says so.
                    XCTAssertEqual(WinogradConv(g, weightGradient: true)?.tile, WinogradConv.weightGradientTile(g),
                                   "case \(xs) \(ws)")
                }
                forwardCases(Self.winogradCases)
                backwardCases(Self.winogradCases)
            }
        }
        // Units' sums are added in unit order: the same dW to the bit whichever worker ran which.
        BLAS.setThreads(2)
        if BLAS.threads == 2 {
            var rng = RNG(seed: 14)
            let g = Conv3dGeometry(input: [6, 16, 2, 8, 8], weight: [16, 16, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
            let x = Tensor.randn([6, 16, 2, 8, 8], rng: &rng), w = Tensor.randn([16, 16, 3, 3, 3], rng: &rng)
            let dy = Tensor.randn(g.outputShape, rng: &rng)
            let savedOrder = ConvPlan.handOutReversed
            defer { ConvPlan.handOutReversed = savedOrder }
            var results: [[Float]] = []
            for reversed in [false, true] {
                ConvPlan.handOutReversed = reversed
                let dw = Tensor.zeros(w.shape)
                with(split: true, rowShift: true, direct: true, winograd: true) {
                    XCTAssertNotNil(WinogradConv(g, weightGradient: true))
                    withExtendedLifetime(dy) { conv3dBackward(x, w, dy.pointer, g, dw: dw.pointer, dx: nil) }
                }
                results.append(dw.toArray())
            }
            XCTAssertTrue(results[0] == results[1], "the reversed hand-out changed Winograd's dW")
        }
        let layer4 = Conv3dGeometry(input: [16, 128, 1, 4, 4], weight: [128, 128, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        let odd = Conv3dGeometry(input: [2, 4, 2, 15, 16], weight: [4, 4, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        let strided = Conv3dGeometry(input: [2, 16, 8, 32, 32], weight: [32, 16, 3, 3, 3], stride: (2, 2, 2), padding: (1, 1, 1))
        let fewTiles = Conv3dGeometry(input: [2, 4, 2, 4, 4], weight: [4, 4, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        // 16 taps on 16×16 planes: too few for F(2×2), rows of 4 tiles too short for F(4×4).
        let fewTaps = Conv3dGeometry(input: [2, 16, 2, 16, 16], weight: [16, 16, 1, 3, 3], stride: (1, 1, 1), padding: (0, 1, 1))
        for (i, (xs, ws, s, p)) in Self.winogradCases.enumerated() {
            let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
            XCTAssertEqual(WinogradConv.fitsLargeTiles(g, switchedOn: true), i < 4 || i == 6, "case \(xs) \(ws)")
        }
        for g in [layer4, odd, strided, fewTiles, fewTaps] { XCTAssertFalse(WinogradConv.fits(g), "\(g.label)") }
        let wide = Conv3dGeometry(input: [2, 64, 2, 8, 8], weight: [64, 64, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        XCTAssertTrue(WinogradConv.fits(wide))
        XCTAssertFalse(WinogradConv.fitsWeightGradient(wide))
        // Weight gradients by F(4×4) where the forward takes it and kt ≥ 2, else F(2×2); F(4×4) with
        // any kt where the channels come in 8s and 16s (≤ 32: the channels-last domain).
        WinogradConv.largeTiles = true
        let tiles = Self.winogradCases.map { xs, ws, s, p in
            WinogradConv.weightGradientTile(Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)) ?? 0
        }
        XCTAssertEqual(tiles, [4, 4, 4, 4, 0, 2, 4, 2, 2])
        XCTAssertFalse(WinogradConv.fitsWeightGradient(Conv3dGeometry(input: [2, 32, 2, 16, 16], weight: [32, 32, 1, 3, 3],
                                                                      stride: (1, 1, 1), padding: (0, 1, 1))))
        let oneTap = Conv3dGeometry(input: [2, 16, 2, 32, 32], weight: [16, 16, 1, 3, 3], stride: (1, 1, 1), padding: (0, 1, 1))
        let savedLayout = WinogradConv.channelsLastEnabled
        defer { WinogradConv.channelsLastEnabled = savedLayout }
        WinogradConv.channelsLastEnabled = false
        XCTAssertFalse(WinogradConv.fitsWeightGradient(oneTap))
        WinogradConv.channelsLastEnabled = true
        XCTAssertTrue(WinogradConv.fitsWeightGradient(oneTap))
    }

    /// Runs body(threads) with the direct kernels on, on two BLAS threads (samples split over two
    /// workers) and then on one, restoring the thread count after.
    private func withDirectKernelsOnTwoWorkersAndOne(_ body: (Int) -> Void) {
        let saved = BLAS.threads
        defer { BLAS.setThreads(saved) }
        for threads in [2, 1] {
            BLAS.setThreads(threads)
            with(split: true, rowShift: true, direct: true) { body(threads) }
        }
    }

    /// The direct forward of 64-channel layers on planes of 64–255 positions (r3d and R(2+1)D
    /// layer3), whose weight gradient stays on vol2col + sgemm.
    func testDirectForwardOfSixtyFourChannelLayers() {
        let cases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
            ([2, 64, 2, 8, 8], [64, 64, 3, 3, 3], (1, 1, 1), (1, 1, 1)),
            ([2, 32, 4, 16, 16], [64, 32, 3, 3, 3], (2, 2, 2), (1, 1, 1)),
            ([3, 64, 4, 8, 8], [64, 64, 3, 1, 1], (2, 1, 1), (1, 0, 0)),
        ]
        let saved = BLAS.threads
        defer { BLAS.setThreads(saved) }
        BLAS.setThreads(2)
        with(split: true, rowShift: true, direct: true) {
            for (xs, ws, s, p) in cases where BLAS.threads == 2 {
                let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
                XCTAssertNotNil(DirectConv(g, weightGradient: false), "case \(ws)")
                XCTAssertNil(DirectConv(g, weightGradient: true), "case \(ws)")
            }
            forwardCases(cases)
            backwardCases(cases)
        }
    }

    /// Strided pointwise convolutions: 4 KB rows (taps in chunks of 8), stride in time only.
    static let stridedPointwiseCases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
        ([2, 4, 8, 32, 32], [8, 4, 1, 1, 1], (2, 2, 2), (0, 0, 0)),     // L' = 1024: 4 KB rows
        ([3, 8, 4, 8, 32], [12, 8, 1, 1, 1], (2, 2, 2), (0, 0, 0)),     // blocks 6, 6; C = 8 taps
        ([2, 12, 6, 4, 4], [4, 12, 1, 1, 1], (2, 1, 1), (0, 0, 0)),     // stride in time only
        ([2, 20, 3, 8, 8], [16, 20, 1, 1, 1], (1, 2, 2), (0, 0, 0)),    // 20 channels into 16
    ]

    /// Strided convolutions' input gradients by phase.
    static let stridedInputGradientCases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
        ([2, 16, 8, 16, 16], [8, 16, 3, 3, 3], (2, 2, 2), (1, 1, 1)),   // r3d's downsampling conv
        ([2, 8, 4, 17, 15], [4, 8, 1, 3, 3], (1, 2, 2), (0, 1, 1)),     // R(2+1)D's, odd plane
        ([2, 8, 7, 6, 6], [8, 8, 3, 1, 1], (2, 1, 1), (1, 0, 0)),       // temporal, odd T
        ([2, 4, 5, 9, 10], [4, 4, 2, 2, 2], (2, 2, 2), (0, 0, 0)),      // even kernel, no padding
        ([2, 4, 4, 10, 10], [4, 4, 1, 1, 3], (1, 3, 3), (0, 0, 1)),     // kh 1 < sh 3: empty phases
        ([2, 4, 3, 12, 13], [8, 4, 3, 5, 5], (1, 2, 2), (1, 2, 2)),     // wider kernel, two taps a side
        ([2, 4, 6, 8, 9], [4, 4, 2, 2, 2], (2, 2, 2), (1, 1, 1)),       // padding over half an even kernel
        ([2, 12, 5, 8, 8], [3, 12, 3, 3, 3], (2, 2, 2), (2, 2, 2)),     // 12 channels from 3, padding 2
    ]

    /// Strided pointwise convolutions (the shortcuts) by the direct kernels, against the six loops:
    /// rows 4 KB apart (taps in chunks of 8), stride in time only, on two workers and on one.
    func testStridedPointwiseMatchesDirectLoops() {
        let cases = Self.stridedPointwiseCases
        withDirectKernelsOnTwoWorkersAndOne { threads in
            for (xs, ws, s, p) in cases where BLAS.threads == threads {
                let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
                XCTAssertNotNil(StridedPointwise(g), "case \(xs) \(ws)")
            }
            forwardCases(cases)
            backwardCases(cases)
        }
        with(split: true, rowShift: true, direct: false) {
            XCTAssertNil(StridedPointwise(Conv3dGeometry(input: cases[0].0, weight: cases[0].1, stride: cases[0].2, padding: cases[0].3)))
        }
    }

    /// Input gradients of strided convolutions phase by phase (StridedInputGradient), against the
    /// six loops: odd sizes, even kernels, no padding, and kernels narrower than the stride (phases
    /// no tap reaches, zero in a fresh dx); on two workers and on one.
    func testStridedInputGradientMatchesDirectLoops() {
        let cases = Self.stridedInputGradientCases
        withDirectKernelsOnTwoWorkersAndOne { threads in
            for (xs, ws, s, p) in cases where BLAS.threads == threads {
                let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
                let w = Tensor.zeros(ws)
                withExtendedLifetime(w) {
                    XCTAssertNotNil(StridedInputGradient(g, weights: w.pointer), "case \(xs) \(ws)")
                }
            }
            backwardCases(cases)
        }
    }

    /// The direct kernels' plain loops (what runs without AVX2) against the six loops.
    func testDirectConvolutionPlainLoopsMatchDirectLoops() {
        mcn_direct_conv_force_generic(1)
        defer { mcn_direct_conv_force_generic(0) }
        let saved = BLAS.threads
        defer { BLAS.setThreads(saved) }
        BLAS.setThreads(2)
        // Three copied-sample cases (the first through Winograd), the in-place (one tap high and
        // wide) ones, the strided kernels, and Winograd's F(4×4), 8×8 planes and rows of 2 tiles.
        let cases = Array(Self.directCases.prefix(3)) + [Self.winogradCases[0], Self.winogradCases[5], Self.winogradCases[7]] + Self.directCases.filter { $0.1[3] == 1 && $0.1[4] == 1 }
            + Self.stridedPointwiseCases.prefix(2) + Self.stridedInputGradientCases.prefix(3)
        with(split: true, rowShift: true, direct: true, winograd: true) {
            forwardCases(cases)
            backwardCases(cases)
        }
    }

    /// Which convolutions take the direct path: the narrow ones with wide outputs (the stem too, and
    /// strides), not the pointwise shortcuts, the deep small layers nor layers wider than 32
    /// channels (r3d-18's), and not when the samples cannot be split over the cores.
    func testDirectConvolutionAppliesToStrideOneNarrowLayers() {
        let layer1 = Conv3dGeometry(input: [16, 16, 8, 32, 32], weight: [16, 16, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        let stem = Conv3dGeometry(input: [16, 3, 8, 64, 64], weight: [16, 3, 3, 7, 7], stride: (1, 2, 2), padding: (1, 3, 3))
        let shortcut = Conv3dGeometry(input: [16, 16, 8, 32, 32], weight: [32, 16, 1, 1, 1], stride: (2, 2, 2), padding: (0, 0, 0))
        let layer2Down = Conv3dGeometry(input: [16, 16, 8, 32, 32], weight: [32, 16, 3, 3, 3], stride: (2, 2, 2), padding: (1, 1, 1))
        let temporalDown = Conv3dGeometry(input: [16, 32, 8, 16, 16], weight: [32, 32, 3, 1, 1], stride: (2, 1, 1), padding: (1, 0, 0))
        let layer3 = Conv3dGeometry(input: [16, 64, 2, 8, 8], weight: [64, 64, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        let wide = Conv3dGeometry(input: [16, 64, 8, 56, 56], weight: [64, 64, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        let odd = Conv3dGeometry(input: [16, 16, 8, 32, 32], weight: [10, 16, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
        with(split: true, rowShift: true, direct: true) {
            XCTAssertTrue(DirectConv.applies(to: layer1))
            XCTAssertTrue(DirectConv.applies(to: stem))
            XCTAssertFalse(DirectConv.applies(to: shortcut))
            XCTAssertTrue(DirectConv.applies(to: layer2Down))
            XCTAssertTrue(DirectConv.applies(to: temporalDown))
            XCTAssertFalse(DirectConv.applies(to: layer3, weightGradient: true))
            XCTAssertTrue(DirectConv.applies(to: layer3, weightGradient: false))
            let layer4 = Conv3dGeometry(input: [16, 128, 1, 4, 4], weight: [128, 128, 3, 3, 3], stride: (1, 1, 1), padding: (1, 1, 1))
            XCTAssertFalse(DirectConv.applies(to: layer4, weightGradient: false))
            XCTAssertFalse(DirectConv.applies(to: odd))
            XCTAssertFalse(DirectConv.applies(to: wide))
            // Planes of 32×32 are 4 KB apart: not read in place, copied with a gap of 64 floats.
            let temporal32 = Conv3dGeometry(input: [16, 32, 8, 32, 32], weight: [32, 32, 3, 1, 1], stride: (1, 1, 1), padding: (1, 0, 0))
            let temporal16 = Conv3dGeometry(input: [16, 32, 4, 16, 16], weight: [32, 32, 3, 1, 1], stride: (1, 1, 1), padding: (1, 0, 0))
            XCTAssertNil(InPlaceTaps(temporal32))
            XCTAssertNotNil(InPlaceTaps(temporal16))
            XCTAssertEqual(DirectConv.planeStride(rows: 32, width: 32), 1088)
            XCTAssertEqual(DirectConv.planeStride(rows: 34, width: 34), 1156)
            XCTAssertEqual(layer1.chunk, 1)
        }
        with(split: false, rowShift: true, direct: true) {
            let saved = BLAS.threads
            defer { BLAS.setThreads(saved) }
            BLAS.setThreads(2)
            if BLAS.threads == 2 { XCTAssertNil(DirectConv(layer1, weightGradient: true)) }
        }
    }

    /// Runs body with the paths set as given; Winograd off unless asked for, so the other tests
    /// keep testing the paths they name.
    private func with(split: Bool, rowShift: Bool, direct: Bool = false, winograd: Bool = false, _ body: () -> Void) {
        let saved = (ConvPlan.splitUnits, RowShift.enabled, DirectConv.enabled, WinogradConv.enabled)
        ConvPlan.splitUnits = split
        RowShift.enabled = rowShift
        DirectConv.enabled = direct
        WinogradConv.enabled = winograd
        defer { (ConvPlan.splitUnits, RowShift.enabled, DirectConv.enabled, WinogradConv.enabled) = saved }
        body()
    }

    private func forwardCases(_ only: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))]? = nil) {
        var rng = RNG(seed: 11)
        let cases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = only ?? [
            ([2, 3, 6, 9, 9], [4, 3, 3, 7, 7], (1, 2, 2), (1, 3, 3)),
            ([3, 4, 4, 5, 5], [6, 4, 3, 3, 3], (2, 2, 2), (1, 1, 1)),
            ([5, 4, 2, 2, 2], [3, 4, 1, 1, 1], (1, 1, 1), (0, 0, 0)),   // chunked: tiny L
            ([1, 4, 4, 8, 8], [3, 4, 1, 1, 1], (1, 1, 1), (0, 0, 0)),
            ([2, 3, 5, 6, 7], [2, 3, 3, 1, 1], (2, 1, 1), (1, 0, 0)),
            ([2, 64, 2, 4, 4], [128, 64, 3, 3, 3], (2, 2, 2), (1, 1, 1)),   // a last stage: tiny output
            ([2, 3, 8, 32, 32], [16, 3, 3, 7, 7], (1, 2, 2), (1, 3, 3)),    // the R3D stem
            ([2, 4, 8, 40, 40], [3, 4, 3, 3, 3], (1, 1, 1), (1, 1, 1)),     // one sample a GEMM, several plane blocks
            ([2, 16, 8, 16, 16], [32, 16, 1, 1, 1], (2, 2, 2), (0, 0, 0)),  // strided shortcut
            ([3, 5, 7, 33, 31], [6, 5, 1, 1, 1], (2, 2, 2), (0, 0, 0)),     // strided shortcut, odd sizes
            ([3, 4, 4, 32, 32], [5, 4, 1, 1, 1], (1, 1, 1), (0, 0, 0)),     // pointwise, one sample a GEMM, 3 workers' units
            ([3, 2, 8, 40, 40], [3, 2, 3, 3, 3], (1, 1, 1), (1, 1, 1)),     // blocked, units shared by the cores
            ([6, 2, 4, 16, 16], [3, 2, 3, 3, 3], (1, 1, 1), (1, 1, 1)),     // two chunks, the last one short
            ([2, 3, 4, 130, 66], [5, 3, 3, 7, 7], (1, 2, 2), (1, 3, 3)),    // blocked stride-2 stem, odd sizes (row shift: 2 phases)
            ([1, 2, 8, 70, 50], [2, 2, 2, 5, 3], (1, 3, 2), (0, 2, 1)),     // blocked, kh 5 stride 3: a shift with fewer phases
            ([2, 2, 9, 67, 41], [3, 2, 1, 2, 4], (2, 3, 1), (0, 0, 2)),     // blocked, kh 2 < sh 3, even kernel
        ] + Self.smallPlanes
        for (xs, ws, s, p) in cases {
            let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, rng: &rng)
            let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
            let y = conv3dForward(x, w, g).toArray()
            let ref = directConv(x, w, g)
            for i in 0..<y.count {
                XCTAssertEqual(y[i], ref[i], accuracy: 1e-3 * max(1, Swift.abs(ref[i])), "case \(ws) element \(i)")
                if Swift.abs(y[i] - ref[i]) > 1e-3 * max(1, Swift.abs(ref[i])) { break }
            }
        }
    }

    /// Output rows of ≤ 8 (vol2col and col2vol through a table of each tap's reads, Vol2col.c):
    /// the deep layers' shapes, strided, and kernels reaching wholly into the padding.
    static let smallPlanes: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = [
        ([4, 3, 2, 8, 8], [5, 3, 1, 3, 3], (1, 1, 1), (0, 1, 1)),       // 8×8 planes, transposed-conv dX
        ([4, 3, 2, 8, 8], [6, 3, 1, 3, 3], (1, 2, 2), (0, 1, 1)),       // 4×4 outputs of stride 2, col2vol dX
        ([2, 2, 3, 4, 4], [3, 2, 1, 5, 5], (1, 1, 1), (0, 3, 1)),       // taps wholly in the padding
        ([3, 2, 2, 3, 7], [2, 2, 2, 2, 3], (1, 2, 3), (1, 1, 2)),       // odd sizes and strides
    ]

    /// Backward (dW, and dX by both of its paths) against direct loops, on shapes that take the
    /// chunked, the blocked, the pointwise and the transposed-convolution paths, with one and with
    /// several units of work shared by the cores.
    private func backwardCases(_ only: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))]? = nil) {
        var rng = RNG(seed: 12)
        let cases: [([Int], [Int], (Int, Int, Int), (Int, Int, Int))] = only ?? [
            ([2, 4, 8, 40, 40], [3, 4, 3, 3, 3], (1, 1, 1), (1, 1, 1)),     // blocked, transposed-conv dX
            ([1, 3, 9, 48, 48], [2, 3, 3, 3, 3], (2, 2, 2), (1, 1, 1)),     // blocked, col2vol dX
            ([3, 4, 4, 5, 5], [6, 4, 3, 3, 3], (2, 2, 2), (1, 1, 1)),       // chunked
            ([3, 2, 8, 40, 40], [3, 2, 3, 3, 3], (1, 1, 1), (1, 1, 1)),     // blocked, units shared by the cores
            ([6, 2, 4, 16, 16], [3, 2, 3, 3, 3], (1, 1, 1), (1, 1, 1)),     // two chunks, transposed-conv dX
            ([5, 2, 8, 32, 32], [3, 2, 3, 3, 3], (2, 2, 2), (1, 1, 1)),     // two chunks, col2vol dX
            ([3, 4, 4, 32, 32], [5, 4, 1, 1, 1], (1, 1, 1), (0, 0, 0)),     // pointwise, direct GEMMs
            ([3, 5, 7, 33, 31], [6, 5, 1, 1, 1], (2, 2, 2), (0, 0, 0)),     // strided shortcut, odd sizes
            ([2, 3, 4, 130, 66], [5, 3, 3, 7, 7], (1, 2, 2), (1, 3, 3)),    // blocked stride-2 stem: row-shift dW, col2vol dX
            ([1, 2, 8, 70, 50], [2, 2, 2, 5, 3], (1, 3, 2), (0, 2, 1)),     // blocked, kh 5 stride 3
            ([2, 3, 5, 67, 37], [4, 3, 3, 3, 5], (1, 1, 1), (1, 1, 2)),     // blocked stride 1, odd sizes: transposed-conv dX
            ([3, 4, 8, 32, 32], [5, 4, 3, 3, 3], (2, 2, 2), (1, 1, 1)),     // 1024 columns a sample, stride 2: row shift, col2vol dX
            ([3, 4, 4, 16, 16], [5, 4, 3, 3, 3], (1, 1, 1), (1, 1, 1)),     // 1024 columns a sample, stride 1 (layer2's conv2)
        ] + Self.smallPlanes
        for (xs, ws, s, p) in cases {
            let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, rng: &rng)
            let g = Conv3dGeometry(input: xs, weight: ws, stride: s, padding: p)
            let dy = Tensor.randn(g.outputShape, rng: &rng)
            // Gradients accumulate: start from values already there.
            let dw = Tensor.randn(ws, rng: &rng), dx = Tensor.randn(xs, rng: &rng)
            var rw = dw.toArray().map(Double.init), rx = dx.toArray().map(Double.init)
            let rxStart = rx
            withExtendedLifetime(dy) { conv3dBackward(x, w, dy.pointer, g, dw: dw.pointer, dx: dx.pointer) }
            let (kt, kh, kw) = g.kernel
            for n in 0..<g.n { for o in 0..<g.o { for a in 0..<g.to { for b in 0..<g.ho { for d in 0..<g.wo {
                let gy = Double(dy[(((n * g.o + o) * g.to + a) * g.ho + b) * g.wo + d])
                for c in 0..<g.c { for i in 0..<kt { for j in 0..<kh { for k in 0..<kw {
                    let t = a * s.0 - p.0 + i, h = b * s.1 - p.1 + j, ww = d * s.2 - p.2 + k
                    if t < 0 || t >= g.t || h < 0 || h >= g.h || ww < 0 || ww >= g.w { continue }
                    let xi = (((n * g.c + c) * g.t + t) * g.h + h) * g.w + ww
                    let wi = (((o * g.c + c) * kt + i) * kh + j) * kw + k
                    rw[wi] += gy * Double(x[xi]); rx[xi] += gy * Double(w[wi])
                } } } }
            } } } } }
            for i in 0..<w.count where Swift.abs(Double(dw[i]) - rw[i]) > 1e-3 * max(1, Swift.abs(rw[i])) {
                XCTFail("dW case \(ws) element \(i): \(dw[i]) vs \(rw[i])"); break
            }
            for i in 0..<x.count where Swift.abs(Double(dx[i]) - rx[i]) > 1e-3 * max(1, Swift.abs(rx[i])) {
                XCTFail("dX case \(ws) element \(i): \(dx[i]) vs \(rx[i])"); break
            }
            // A fresh dx (no gradient yet) is overwritten, whatever it held (with a weight gradient
            // alongside, so the paths that take dW their own way run too; that dW is not checked).
            let fresh = Tensor.filled(xs, .nan), unchecked = Tensor.zeros(ws)
            withExtendedLifetime(dy) {
                conv3dBackward(x, w, dy.pointer, g, dw: unchecked.pointer, dx: fresh.pointer, dxFresh: true)
            }
            for i in 0..<x.count {
                let want = rx[i] - rxStart[i]
                if !(Swift.abs(Double(fresh[i]) - want) <= 1e-3 * max(1, Swift.abs(want))) {   // NaN fails too
                    XCTFail("fresh dX case \(ws) element \(i): \(fresh[i]) vs \(want)"); break
                }
            }
        }
    }
}
