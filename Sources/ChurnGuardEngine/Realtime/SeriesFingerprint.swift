/// A 128-bit fingerprint of a series (metric name and exact tag set), the real-time engine's
/// identity for a live series, computed in one pass over the bytes with two independently
/// keyed multiply-mix hashes, so a point's window is found without hashing and comparing tag
/// dictionaries or touching the stored tags.
///
/// The fingerprint does not depend on the dictionary's iteration order (each tag pair is hashed
/// alone and the pair hashes are added). Two different series share a fingerprint with a
/// probability of about n²/2¹²⁹ for n live series (below 10⁻²⁶ for a million), and the keys are
/// random per process, so a tenant cannot choose tags that collide without knowing them; even
/// then, a collision would only merge two of that tenant's own live windows (stored points and
/// rollups never use fingerprints).
struct SeriesFingerprint: Hashable, Sendable {
    /// The fingerprint's two halves.
    let high: UInt64
    let low: UInt64

    private struct Secret {
        let seed: UInt64
        let multiplier: UInt64
        let finish: UInt64

        static func random() -> Secret {
            var generator = SystemRandomNumberGenerator()
            return Secret(seed: generator.next(), multiplier: generator.next() | 1, finish: generator.next())
        }
    }

    /// The per-process keys of the two halves.
    private static let secrets = (Secret.random(), Secret.random())

    /// A fingerprint with chosen halves (tests use it).
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The fingerprint of `metricName` with `tags`.
    init(metricName: String, tags: [String: String]) {
        high = Self.lane(Self.secrets.0, metricName: metricName, tags: tags)
        low = Self.lane(Self.secrets.1, metricName: metricName, tags: tags)
    }

    /// Only one half feeds the hash table: both are equally well mixed.
    func hash(into hasher: inout Hasher) {
        hasher.combine(low)
    }

    private static func lane(_ secret: Secret, metricName: String, tags: [String: String]) -> UInt64 {
        var combined: UInt64 = 0
        for (key, value) in tags {
            combined &+= hash(value, secret, seed: hash(key, secret, seed: 0x9E37_79B9_7F4A_7C15))
        }
        let name = hash(metricName, secret, seed: UInt64(truncatingIfNeeded: tags.count))
        return mix(name ^ combined, secret.multiplier ^ secret.finish)
    }

    private static func hash(_ text: String, _ secret: Secret, seed: UInt64) -> UInt64 {
        var text = text
        return text.withUTF8 { bytes in hash(UnsafeRawBufferPointer(bytes), secret, seed: seed) }
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer, _ secret: Secret, seed: UInt64) -> UInt64 {
        var state = seed ^ secret.seed ^ UInt64(truncatingIfNeeded: bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            state = mix(state ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self), secret.multiplier)
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        return mix(state ^ tail ^ secret.finish, secret.multiplier ^ UInt64(truncatingIfNeeded: bytes.count))
    }

    /// Folds the 128-bit product of `a` and `b` into 64 bits.
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }
}
