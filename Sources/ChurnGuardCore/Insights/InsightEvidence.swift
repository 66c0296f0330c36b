import Foundation

/// One number or word of an insight's evidence: the figures its sentence was built from,
/// served as JSON so programs need not parse the narrative.
public enum InsightEvidenceValue: Sendable, Hashable, Codable {
    case number(Double)
    case text(String)
    case flag(Bool)
    case list([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) { self = .flag(flag); return }
        if let number = try? container.decode(Double.self) { self = .number(number); return }
        if let text = try? container.decode(String.self) { self = .text(text); return }
        self = .list(try container.decode([String].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value.isFinite ? value : 0)
        case .text(let value): try container.encode(value)
        case .flag(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        }
    }
}

/// The evidence of an insight: named values, encoded as a JSON object with sorted keys.
public enum InsightEvidence {
    /// The JSON text of `evidence` (non-finite numbers are written as 0).
    public static func encode(_ evidence: [String: InsightEvidenceValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(evidence) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The evidence in `text`; empty for text that is not such an object.
    public static func decode(_ text: String) -> [String: InsightEvidenceValue] {
        (try? JSONDecoder().decode([String: InsightEvidenceValue].self, from: Data(text.utf8))) ?? [:]
    }
}
