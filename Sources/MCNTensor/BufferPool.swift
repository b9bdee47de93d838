import Glibc
import Synchronization

/// Recycles float buffers by exact size. A training step allocates the same shapes every time,
/// so after the first step every activation, gradient and vol2col buffer comes from here and
/// the process stops growing.
public final class BufferPool: Sendable {
    public static let shared = BufferPool(limitBytes: 1 << 30)

    private struct State {
        var free: [Int: [UInt]] = [:]  // addresses, so the state stays Sendable
        var pooledFloats = 0
        var freshAllocations = 0
        var freshFloats = 0
    }
    private let state = Mutex(State())
    private let limitFloats: Int

    init(limitBytes: Int) { limitFloats = limitBytes / MemoryLayout<Float>.stride }

    /// With MCN_POOL_CHECK=1 every buffer carries guard floats after its end, checked when it comes
    /// back: an op that writes past its output is caught at once.
    static let guarded = getenv("MCN_POOL_CHECK") != nil
    static let guardCount = 64

    /// A buffer of exactly `count` floats, contents undefined.
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = takeUnguarded(count)
        if Self.guarded { (p + count).update(repeating: -7.25e30, count: Self.guardCount) }
        return p
    }

    private func takeUnguarded(_ count: Int) -> UnsafeMutablePointer<Float> {
        let reused: UInt? = state.withLock { s in
            guard var list = s.free[count], let p = list.popLast() else { return nil }
            s.free[count] = list
            s.pooledFloats -= Self.footprint(count)
            return p
        }
        if let reused { return UnsafeMutablePointer(bitPattern: reused)! }
        state.withLock { $0.freshAllocations += 1; $0.freshFloats += Self.footprint(count) }
        let bytes = Self.byteCount(count)
        let raw: UnsafeMutableRawPointer
        if Self.inHugePages(bytes) {
            // Whole 2 MB pages, asked for as transparent huge pages (the kernel's setting on Debian
            // is `madvise`: without asking, every buffer is in 4 KB pages).
            let rounded = Self.roundedToHugePages(bytes)
            raw = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: Self.hugePageBytes)
            _ = madvise(raw, rounded, MADV_HUGEPAGE)
        } else {
            raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        }
        return raw.bindMemory(to: Float.self, capacity: bytes / 4)
    }

    /// Bytes a buffer of `count` floats asks for (its guard floats included).
    private static func byteCount(_ count: Int) -> Int { (max(count, 1) + (guarded ? guardCount : 0)) * 4 }

    private static func inHugePages(_ bytes: Int) -> Bool { hugePages && bytes >= hugePageBytes }

    private static func roundedToHugePages(_ bytes: Int) -> Int {
        (bytes + hugePageBytes - 1) / hugePageBytes * hugePageBytes
    }

    /// Floats of memory a buffer of `count` floats holds: in huge pages, whole 2 MB pages (touching
    /// its tail backs the whole page), which is what the pool's limit and counts go by.
    static func footprint(_ count: Int) -> Int {
        let bytes = byteCount(count)
        return (inHugePages(bytes) ? roundedToHugePages(bytes) : bytes) / 4
    }

    /// Buffers of 2 MB or more go in transparent huge pages; MCN_HUGE_PAGES=0 turns that off.
    static let hugePages = getenv("MCN_HUGE_PAGES").map { String(cString: $0) != "0" } ?? true
    static let hugePageBytes = 2 << 20

    /// Returns a buffer; it is freed instead when the pool already holds its limit.
    func give(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        if Self.guarded {
            for i in 0..<Self.guardCount where p[count + i] != -7.25e30 {
                fatalError("BufferPool: a buffer of \(count) floats was written past its end (guard \(i))")
            }
        }
        let kept = state.withLock { s -> Bool in
            let size = Self.footprint(count)
            guard s.pooledFloats + size <= limitFloats else { return false }
            s.free[count, default: []].append(UInt(bitPattern: p))
            s.pooledFloats += size
            return true
        }
        if !kept { p.deallocate() }
    }

    /// Frees every pooled buffer (e.g. after a shape change).
    func drain() {
        let all = state.withLock { s -> [UInt] in
            let a = s.free.values.flatMap { $0 }
            s.free = [:]
            s.pooledFloats = 0
            return a
        }
        for p in all { UnsafeMutablePointer<Float>(bitPattern: p)!.deallocate() }
    }

    /// Buffers (and the floats of memory they hold: `footprint`) that had to be allocated because
    /// none of their size was free.
    public var freshAllocations: (count: Int, floats: Int) { state.withLock { ($0.freshAllocations, $0.freshFloats) } }

    /// Floats of memory currently held for reuse (`footprint`).
    public var pooledFloats: Int { state.withLock { $0.pooledFloats } }
}
