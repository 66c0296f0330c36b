public import Foundation

/// The tenant every point, key and query belongs to.
///
/// A distinct type (not a bare `UUID`) so that an organization can never be confused
/// with another identifier at a call site.
public struct OrganizationID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The underlying identifier.
    public let uuid: UUID

    /// Wraps an existing UUID.
    public init(_ uuid: UUID) { self.uuid = uuid }

    /// Parses the canonical textual form; `nil` when the text is not a UUID.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.uuid = uuid
    }

    /// A fresh random identifier.
    public static func random() -> OrganizationID { OrganizationID(UUID()) }

    /// Lower-case canonical form, as stored and shown to users.
    public var description: String { uuid.uuidString.lowercased() }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = OrganizationID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a UUID"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
