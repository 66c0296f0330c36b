public import ChurnGuardCore

/// Per-organization cache of insight listings (in-process now; a Redis one can sit behind
/// the same protocol). A run that stores results invalidates its organization.
public protocol InsightCache: Sendable {
    /// The cached answer for `key` of `organization`, if fresh at `now`.
    func get(_ key: String, organization: OrganizationID, now: Timestamp) -> [Insight]?
    /// Caches `insights` for `key` until `now` + the cache's time to live.
    func put(_ key: String, organization: OrganizationID, _ insights: [Insight], now: Timestamp)
    /// Forgets every cached answer of `organization`.
    func invalidate(_ organization: OrganizationID)
}
