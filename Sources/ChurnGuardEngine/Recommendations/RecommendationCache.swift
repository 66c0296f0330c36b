public import ChurnGuardCore
import Synchronization

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

/// ``RecommendationCache`` in this process's memory, entries living `ttlSeconds` (0 disables
/// it), at most `maxKeysPerOrganization` per organization (the oldest dropped first).
public final class InProcessRecommendationCache: RecommendationCache {
    private struct Entry { var value: [Recommendation]; var expires: Timestamp; var stored: Timestamp }
    private let entries = Mutex<[OrganizationID: [String: Entry]]>([:])
    private let ttlSeconds: Int64
    private let maxKeysPerOrganization: Int

    /// A cache keeping answers for `ttlSeconds`.
    public init(ttlSeconds: Int64, maxKeysPerOrganization: Int = 64) {
        self.ttlSeconds = ttlSeconds
        self.maxKeysPerOrganization = max(1, maxKeysPerOrganization)
    }

    public func get(_ key: String, organization: OrganizationID, now: Timestamp) -> [Recommendation]? {
        entries.withLock { all in
            guard let entry = all[organization]?[key], entry.expires > now else { return nil }
            return entry.value
        }
    }

    public func put(_ key: String, organization: OrganizationID, _ recommendations: [Recommendation], now: Timestamp) {
        guard ttlSeconds > 0 else { return }
        entries.withLock { all in
            var own = (all[organization] ?? [:]).filter { $0.value.expires > now }
            if own.count >= maxKeysPerOrganization, let oldest = own.min(by: { $0.value.stored < $1.value.stored })?.key {
                own.removeValue(forKey: oldest)
            }
            own[key] = Entry(value: recommendations, expires: now.adding(seconds: ttlSeconds), stored: now)
            all[organization] = own
        }
    }

    public func invalidate(_ organization: OrganizationID) {
        _ = entries.withLock { $0.removeValue(forKey: organization) }
    }
}
