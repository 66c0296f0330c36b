public import ChurnGuardStorage
import Crypto
import Foundation

/// Seals the secrets of notification routes (a Slack or webhook URL, which carries the
/// receiver's token, and a webhook's signing secret) with AES-256-GCM before they are stored,
/// and opens them when read, so a copy of the database or a backup does not hand them out.
///
/// The key is derived with HKDF-SHA256 from `notifications.secrets_key`. A sealed value is
/// `sealed:v1:` followed by base64 of nonce, ciphertext and tag; a value without the prefix
/// (stored before a key was set) is read as it is and sealed the next time its routes are put.
public struct NotificationSecretSealer: Sendable {
    /// The prefix of a sealed value.
    public static let prefix = "sealed:v1:"
    /// Shortest accepted secret, in bytes.
    public static let minimumSecretBytes = 32

    private let key: SymmetricKey

    /// A sealer whose key is derived from `secret` (at least ``minimumSecretBytes`` bytes).
    public init(secret: String) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(secret.utf8)),
                                     salt: Data("churnguard-notification-secrets".utf8), info: Data("v1".utf8), outputByteCount: 32)
    }

    /// `text` sealed.
    public func seal(_ text: String) throws -> String {
        let box = try AES.GCM.seal(Data(text.utf8), using: key)
        guard let combined = box.combined else { throw StoreError.unavailable("sealing a notification secret failed") }
        return Self.prefix + combined.base64EncodedString()
    }

    /// `text` opened; unsealed text as it is.
    /// - Throws: ``StoreError/unavailable(_:)`` when the value was sealed with another key (or altered).
    public func open(_ text: String) throws(StoreError) -> String {
        guard text.hasPrefix(Self.prefix) else { return text }
        guard let data = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))),
              let box = try? AES.GCM.SealedBox(combined: data), let plain = try? AES.GCM.open(box, using: key) else {
            throw StoreError.unavailable(
                "a stored notification secret cannot be opened: notifications.secrets_key is not the key it was sealed with")
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Whether `text` is sealed.
    public static func isSealed(_ text: String) -> Bool { text.hasPrefix(prefix) }
}
