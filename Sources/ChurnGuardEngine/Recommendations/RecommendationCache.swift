public import ChurnGuardCore

/// Per-organization cache of recommendation listings (in-process; a Redis one can sit behind
/// the same protocol). A run, an accept or a dismiss invalidates its organization.
public protocol RecommendationCache: Sendable {
    /// The cached answer for `key` of `organization`, if fresh at `now`.
    func get(_ key: String, organization: OrganizationID, now: Timestamp) -> [Recommendation]?
    /// Caches `recommendations` for `key` until `now` + the cache's time to live.
    func put(_ key: String, organization: OrganizationID, _ recommendations: [Recommendation], now: Timestamp)
    /// Forgets every cached answer of `organization`.
    func invalidate(_ organization: OrganizationID)
}
