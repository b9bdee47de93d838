import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How one convolution call spreads its samples over the cores.
///
/// Work is cut into independent units: one sample processed in blocks of output planes when a
/// sample alone fills a GEMM ("blocked"), else chunks of `chunk` samples batched into one GEMM.
/// With two or more units and more than one BLAS thread, each core takes whole units and runs its
/// own vol2col and a single-threaded GEMM on its own scratch buffers: no hand-off between the
/// dispatch and the OpenBLAS thread pools per block, and one core's vol2col overlaps the other's
/// GEMM (when `splitUnits`). With a single unit (the deep, small layers), or the split off, the
/// GEMM and vol2col are parallel inside.
struct ConvPlan {
    let g: Conv3dGeometry
    let blocked: Bool
    let samplesPerUnit: Int
    let units: Int
    let workers: Int

    /// `perSample`: one sample a unit whatever `chunk` says (the direct kernels' plan).
    init(_ g: Conv3dGeometry, perSample: Bool = false) {
        self.g = g
        blocked = perSample || (g.chunk == 1 && !g.isPointwise)
        samplesPerUnit = blocked ? 1 : g.chunk
        units = (g.n + samplesPerUnit - 1) / samplesPerUnit
        workers = serialOnly || !Self.splitUnits ? 1 : max(1, min(units, BLAS.threads))
    }

    /// The per-sample plan the direct kernels run on (they work on one sample at a time,
    /// single-threaded): nil when it cannot give the samples their own cores (the split is off,
    /// or one sample) while BLAS has several threads.
    static func samplesOnCores(_ g: Conv3dGeometry) -> ConvPlan? {
        let plan = ConvPlan(g, perSample: true)
        return plan.workers > 1 || BLAS.threads == 1 ? plan : nil
    }

    /// On by default: on the quiet machine it made the r3d-tiny training pass 1.8× faster and the
    /// r2plus1d-tiny pass 1.15× (BENCHMARKS.md, alternating A/B). MCN_CONV_SPLIT=0 turns it off;
    /// tests set it directly. It sets OpenBLAS to one thread while the units run, so no other
    /// thread may call BLAS during a convolution (none does: the engine runs BLAS on its thread).
    nonisolated(unsafe) static var splitUnits = getenv("MCN_CONV_SPLIT").map { String(cString: $0) != "0" } ?? true

    /// vol2col and col2vol use all cores themselves only when the units run one at a time.
    var parallelInside: Bool { workers == 1 }

    /// Zeroed buffers of `count` floats for sums over units (the weight gradient; none when count
    /// is 0): one when the units run in order, else one per unit, to be added up in unit order
    /// afterwards. Units go to whichever worker is free, so sums kept per worker would depend on
    /// timing, and a seeded run would not repeat itself.
    func sumBuffers(_ count: Int) -> [Tensor?] {
        (0..<(workers == 1 ? 1 : units)).map { _ in count > 0 ? Tensor.zeros([count]) : nil }
    }

    /// The index in `sumBuffers` of unit u's buffer.
    func partialSum(_ u: Int) -> Int { workers == 1 ? 0 : u }

    /// Runs body(worker, unit, sum) for every unit, where `sum` is where the unit adds its part of
    /// a sum of `count` floats: `out` itself when the units run in order, else a zeroed buffer of
    /// the unit's own, added into out in unit order afterwards (see `sumBuffers`).
    func runSummed(into out: UnsafeMutablePointer<Float>, count: Int,
                   _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        let sums = sumBuffers(workers > 1 ? count : 0)
        defer { withExtendedLifetime(sums) {} }
        run { worker, unit in body(worker, unit, sums[partialSum(unit)]?.pointer ?? out) }
        for p in sums.compactMap({ $0 }) { BLAS.axpy(n: count, alpha: 1, x: p.pointer, y: out) }
    }

    /// Testing only: hand units out last first (a different worker assignment, same results).
    nonisolated(unsafe) static var handOutReversed = false

    /// The samples of unit u.
    func samples(_ u: Int) -> Range<Int> { u * samplesPerUnit..<min(g.n, (u + 1) * samplesPerUnit) }

    /// One scratch buffer of `count` floats per worker (none when count is 0).
    func scratch(_ count: Int) -> [Tensor?] {
        (0..<workers).map { _ in count > 0 ? Tensor(uninitialized: [count]) : nil }
    }

    /// Runs body(worker, unit) for every unit. Units are handed out in order as workers free up
    /// (the machine is shared, so a static split would wait for the slower core). Bodies of
    /// different units must write disjoint memory, apart from per-worker scratch.
    func run(_ body: (Int, Int) -> Void) {
        if workers == 1 {
            for u in 0..<units { body(0, u) }
            return
        }
        let previous = BLAS.threads
        BLAS.setThreads(1)
        defer { BLAS.setThreads(previous) }
        let next = Atomic<Int>(0)
        let reversed = Self.handOutReversed
        parallelFor(workers, work: Int.max) { worker in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= units { return }
                body(worker, reversed ? units - 1 - i : i)
            }
        }
    }
}

/// One convolution's work set up once (weights arranged, scratch per worker) for a plan that gives
/// samples their own cores: `sample(worker, n)` computes sample n. A backward can then run two such
/// works sample by sample in one pass (see conv3dBackward), so that what one reads is still in
/// cache for the other.
struct SampleWork {
    let plan: ConvPlan
    let sample: (_ worker: Int, _ n: Int) -> Void

    /// Every sample, as the plan hands them out.
    func run() { plan.run(sample) }

    /// Whether a weight gradient and an input gradient that both run one sample a unit run together,
    /// the input gradient's sample first: the sample's output gradient is then read from memory once
    /// and from cache by the weight gradient. On by default; MCN_CONV_INTERLEAVE=0 runs them one
    /// after the other (`ConvolutionPaths.interleavedBackward`, for A/B runs).
    nonisolated(unsafe) static var interleaved = getenv("MCN_CONV_INTERLEAVE").map { String(cString: $0) != "0" } ?? true
}
