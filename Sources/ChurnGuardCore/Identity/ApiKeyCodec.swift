import Crypto

/// Makes, parses and hashes API keys.
///
/// A key reads `cg_<id>_<secret>`: `id` is a 12-character public prefix used to find the
/// record (and to list or revoke it), `secret` holds 32 base-62 characters (≈190 bits of
/// randomness). Only the SHA-256 of the whole key is stored; with that much entropy a slow
/// password hash buys nothing, and a fast one keeps authentication cheap on every request.
public enum ApiKeyCodec {
    /// The text every key starts with, so leaked keys are easy to recognise and scan for.
    public static let scheme = "cg"
    static let idLength = 12
    static let secretLength = 32
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A newly minted key: the text to show once, and its identifier and hash to store.
    public struct MintedKey: Sendable {
        /// The whole key, shown to the user exactly once.
        public let key: String
        /// The public prefix stored as the record's identifier.
        public let id: String
        /// SHA-256 of `key`.
        public let hash: [UInt8]
    }

    /// Mints a fresh random key.
    public static func mint() -> MintedKey {
        var generator = SystemRandomNumberGenerator()
        return mint(using: &generator)
    }

    /// Mints a key from the given generator (tests pass a seeded one).
    public static func mint(using generator: inout some RandomNumberGenerator) -> MintedKey {
        let id = randomText(count: idLength, using: &generator)
        let secret = randomText(count: secretLength, using: &generator)
        let key = "\(scheme)_\(id)_\(secret)"
        return MintedKey(key: key, id: id, hash: hash(key))
    }

    /// The public identifier inside a key, or `nil` when the text is not shaped like a key.
    /// Runs on every authenticated request, so it reads the bytes once without splitting.
    public static func identifier(of key: String) -> String? {
        let expected = scheme.utf8.count + 1 + idLength + 1 + secretLength
        var text = key
        return text.withUTF8 { bytes -> String? in
            guard bytes.count == expected else { return nil }
            let prefix = scheme.utf8.count
            guard bytes.starts(with: scheme.utf8), bytes[prefix] == UInt8(ascii: "_"),
                  bytes[prefix + 1 + idLength] == UInt8(ascii: "_")
            else { return nil }
            let idRange = (prefix + 1)..<(prefix + 1 + idLength)
            let secretRange = (prefix + 2 + idLength)..<expected
            guard idRange.allSatisfy({ isAlphanumeric(bytes[$0]) }), secretRange.allSatisfy({ isAlphanumeric(bytes[$0]) }) else {
                return nil
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[idRange]), as: UTF8.self)
        }
    }

    /// SHA-256 of the key text.
    public static func hash(_ key: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(key.utf8)))
    }

    /// Compares two digests in time independent of where they differ.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static func randomText(count: Int, using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        for _ in 0..<count {
            bytes.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}
