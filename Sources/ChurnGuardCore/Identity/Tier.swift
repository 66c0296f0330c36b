/// The service level of an organization or key; it selects the rate limit.
public enum Tier: String, Sendable, Codable, CaseIterable {
    case `default`
    case premium
    case enterprise
}
