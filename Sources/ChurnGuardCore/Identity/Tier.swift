/// The service level of an organization or key; it selects the rate limit.
public enum Tier: String, Sendable, Codable, CaseIterable {
    case `default`
    case premium
    case enterprise

    /// Order of service levels, lowest first.
    public var rank: Int {
        switch self {
        case .default: 0
        case .premium: 1
        case .enterprise: 2
        }
    }
}
