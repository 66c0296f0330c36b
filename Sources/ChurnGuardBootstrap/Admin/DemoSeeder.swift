public import ChurnGuardCore
public import ChurnGuardStorage
import ChurnGuardEngine
public import Foundation

/// Seeds the demo organization (`demo`) with ``DemoDataset``; safe to run repeatedly.
///
/// The first run creates the organization and loads 45 days of data ending now. Later runs
/// find the data and load nothing. Every run revokes earlier demo keys and mints a new one,
/// since stored keys are hashes and cannot be shown again.
public struct DemoSeeder: Sendable {
    /// The demo organization's name.
    public static let organizationName = "demo"

    let identity: any OrganizationStore
    let pointStore: any MetricStore
    let alertStore: any AlertStore

    /// Seeds into the identity, points and alerts roles of `backends`.
    public init(backends: Backends) {
        identity = backends.identity
        pointStore = backends.points
        alertStore = backends.alerts
    }

    /// What a seeding run did.
    public struct Result: Sendable {
        /// The demo organization.
        public let organization: Organization
        /// A fresh key for it.
        public let apiKey: String
        /// Points loaded by this run (0 when the data was already there).
        public let pointsLoaded: Int
        /// Alerts the demo rules raised on the seeded history (0 when it was already there).
        public var alertsRaised = 0
    }

    /// Seeds (if needed) and mints a key; `progress(day, days)` reports loading.
    /// `days` and `customers` shrink the dataset (tests, small machines); the defaults are
    /// the documented 45 days and 500 customers.
    public func seed(now: Date = Date(), days: Int = 45, customers: Int = 500,
                     progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Result {
        let admin = OrganizationAdmin(store: identity)
        let organization: Organization
        if let existing = try await identity.organization(named: Self.organizationName) {
            organization = existing
        } else {
            do {
                organization = try await admin.createOrganization(name: Self.organizationName, tier: .premium, now: now).organization
            } catch StoreError.conflict {
                // Another process created it a moment ago.
                guard let existing = try await identity.organization(named: Self.organizationName) else { throw StoreError.conflict("demo") }
                organization = existing
            }
        }
        for key in try await identity.apiKeys(organization: organization.id) where key.isActive {
            _ = try await identity.revokeApiKey(id: key.id, at: now)
        }
        let key = try await admin.createKey(organization: organization.id, tier: .premium, name: "demo", now: now)
        var loaded = 0
        var alerts = 0
        if try await pointStore.metrics(organization: organization.id).isEmpty {
            let dataset = DemoDataset.endingAt(Timestamp(now), days: days, customers: customers)
            for day in 0..<dataset.days {
                let points = dataset.points(forDay: day)
                try await pointStore.append([PointBatch(organization: organization.id, points: points)])
                loaded += points.count
                progress(day + 1, dataset.days)
            }
            alerts = try await DemoAlerts.seed(dataset, organization: organization.id, store: alertStore, now: Timestamp(now))
        }
        var result = Result(organization: organization, apiKey: key.apiKey, pointsLoaded: loaded)
        result.alertsRaised = alerts
        return result
    }
}
