/// A small, fast, seedable pseudo-random number generator (xoshiro256**, seeded through SplitMix64).
///
/// The analytics module never reads the system clock or the system random source: every
/// randomized algorithm takes a seed, so the same input and seed give the same output on every
/// machine and every run. The sequence is stable across releases of this module; changing it
/// would change every seeded result, so treat it as part of the public contract.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose whole sequence is determined by `seed`.
    ///
    /// The 256-bit state is filled from SplitMix64 so that nearby seeds (0, 1, 2, …) still give
    /// unrelated streams and the all-zero state can never occur.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// Returns the next 64 uniformly distributed bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// Returns a uniformly distributed double in the half-open interval [0, 1), using the top 53 bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Returns a uniformly distributed integer in `0..<upperBound` without modulo bias.
    ///
    /// Uses Lemire's multiply-and-reject method. A bound of 1 or less returns 0 without consuming
    /// randomness, so callers never trap on an empty range.
    public mutating func nextIndex(below upperBound: Int) -> Int {
        guard upperBound > 1 else { return 0 }
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    /// Derives an independent generator for sub-task `index` (for example one tree of a forest),
    /// so results do not depend on the order in which sub-tasks run.
    public func derived(_ index: Int) -> SeededGenerator {
        var mixer = SplitMix64(state: s0 ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15))
        return SeededGenerator(seed: mixer.next() ^ s3)
    }

    @inline(__always)
    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): used only to expand a 64-bit seed into generator state.
struct SplitMix64: Sendable {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
