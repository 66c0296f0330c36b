public import ChurnGuardCore
import Synchronization

/// Per-organization listings kept in this process's memory (the in-process ``InsightCache``
/// and ``RecommendationCache``): entries live `ttlSeconds` (0 disables the cache), at most
/// `maxKeysPerOrganization` per organization (the oldest dropped first), and a run or a
/// decision forgets its organization's entries at once.
public final class InProcessListingCache<Value: Sendable>: Sendable {
    private struct Entry { var values: [Value]; var expires: Timestamp; var stored: Timestamp }
    private let entries = Mutex<[OrganizationID: [String: Entry]]>([:])
    private let ttlSeconds: Int64
    private let maxKeysPerOrganization: Int

    /// A cache keeping answers for `ttlSeconds`.
    public init(ttlSeconds: Int64, maxKeysPerOrganization: Int = 64) {
        self.ttlSeconds = ttlSeconds
        self.maxKeysPerOrganization = max(1, maxKeysPerOrganization)
    }

    /// The cached answer for `key` of `organization`, if fresh at `now`.
    public func get(_ key: String, organization: OrganizationID, now: Timestamp) -> [Value]? {
        entries.withLock { all in
            guard let entry = all[organization]?[key], entry.expires > now else { return nil }
            return entry.values
        }
    }

    /// Caches `values` for `key` until `now` + the time to live.
    public func put(_ key: String, organization: OrganizationID, _ values: [Value], now: Timestamp) {
        guard ttlSeconds > 0 else { return }
        entries.withLock { all in
            var own = (all[organization] ?? [:]).filter { $0.value.expires > now }
            if own.count >= maxKeysPerOrganization, let oldest = own.min(by: { $0.value.stored < $1.value.stored })?.key {
                own.removeValue(forKey: oldest)
            }
            own[key] = Entry(values: values, expires: now.adding(seconds: ttlSeconds), stored: now)
            all[organization] = own
        }
    }

    /// Forgets every cached answer of `organization`.
    public func invalidate(_ organization: OrganizationID) {
        _ = entries.withLock { $0.removeValue(forKey: organization) }
    }
}

extension InProcessListingCache: InsightCache where Value == Insight {}
extension InProcessListingCache: RecommendationCache where Value == Recommendation {}

/// The in-process insight listing cache.
public typealias InProcessInsightCache = InProcessListingCache<Insight>
/// The in-process recommendation listing cache.
public typealias InProcessRecommendationCache = InProcessListingCache<Recommendation>
