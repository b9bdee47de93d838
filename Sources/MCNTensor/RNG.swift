/// The engine's own seedable random number generator: xoshiro256** (Blackman and Vigna), whose
/// whole state is four words, so a run can save it and resume bit-identically.
public struct RNG: RandomNumberGenerator, Sendable, Codable, Equatable {
    public var state: [UInt64]

    /// Seeds the four state words from `seed` through SplitMix64, as the authors recommend.
    public init(seed: UInt64) {
        var x = seed
        var s = [UInt64](repeating: 0, count: 4)
        for i in 0..<4 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            s[i] = z ^ (z >> 31)
        }
        state = s
    }

    /// Restores a saved state (four words).
    public init(state: [UInt64]) {
        precondition(state.count == 4, "RNG state has four words")
        self.state = state
    }

    /// A generator derived from this seed and a stream of integers (e.g. step and rank), so
    /// independent parts of a run draw from independent, reproducible streams.
    public static func derived(seed: UInt64, _ stream: Int...) -> RNG {
        var h = seed ^ 0x6A09_E667_F3BC_C908
        for v in stream {
            h = (h ^ UInt64(bitPattern: Int64(v))) &* 0x100_0000_01B3
            h ^= h >> 29
        }
        return RNG(seed: h)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = RNG.rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = RNG.rotl(state[3], 45)
        return result
    }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func uniform() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// Uniform in [lo, hi).
    @inline(__always)
    public mutating func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * uniform() }

    /// Uniform integer in 0..<n (n > 0).
    @inline(__always)
    public mutating func int(below n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Standard normal, by Box–Muller.
    public mutating func normal() -> Float {
        let u1 = max(Double(next() >> 11) * (1.0 / 9007199254740992.0), 1e-300)
        let u2 = Double(next() >> 11) * (1.0 / 9007199254740992.0)
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }

    /// True with probability p.
    @inline(__always)
    public mutating func bernoulli(_ p: Float) -> Bool { uniform() < p }

    /// A random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            p.swapAt(i, int(below: i + 1))
        }
        return p
    }
}

@inline(__always) private func _log(_ x: Double) -> Double {
    #if canImport(Glibc)
    return Glibc.log(x)
    #else
    return Foundation.log(x)
    #endif
}
@inline(__always) private func _cos(_ x: Double) -> Double {
    #if canImport(Glibc)
    return Glibc.cos(x)
    #else
    return Foundation.cos(x)
    #endif
}
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
