public import ChurnGuardCore
public import Foundation

/// Durable, tenant-scoped storage of metric points: the source of truth everything else
/// can be rebuilt from. Every method may be called concurrently.
public protocol MetricStore: Sendable {
    /// Commits every batch in one transaction, all or nothing, and returns only once the
    /// data is durable. The ingest pipeline groups concurrent requests into one call.
    /// - Throws: ``StoreError`` when the backend fails; then nothing of the call is stored.
    func append(_ batches: [PointBatch]) async throws

    /// One page of one metric's points of `organization`, oldest first.
    func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage

    /// Every metric `organization` has stored, by name.
    func metrics(organization: OrganizationID) async throws -> [MetricSummary]
}

/// Organizations and their API keys.
public protocol OrganizationStore: Sendable {
    /// Stores a new organization.
    /// - Throws: ``StoreError/conflict(_:)`` when the name is taken.
    func createOrganization(_ organization: Organization) async throws

    /// The organization with this identifier, if any.
    func organization(id: OrganizationID) async throws -> Organization?

    /// The organization with this name, if any.
    func organization(named name: String) async throws -> Organization?

    /// Stores a new key record (its hash, never the key).
    func createApiKey(_ record: ApiKeyRecord) async throws

    /// The key record with this public identifier, revoked or not.
    func apiKey(id: String) async throws -> ApiKeyRecord?

    /// Every key of an organization, newest first.
    func apiKeys(organization: OrganizationID) async throws -> [ApiKeyRecord]

    /// Marks a key revoked; returns `false` when no active key has this identifier.
    func revokeApiKey(id: String, at date: Date) async throws -> Bool
}

/// Schema management and readiness of a backend.
public protocol StoreLifecycle: Sendable {
    /// Applies pending migrations; returns the names of those applied. Idempotent.
    func migrate() async throws -> [String]

    /// Applied and pending migrations.
    func migrationStatus() async throws -> MigrationStatus

    /// Throws unless the backend answers and its schema is current.
    func checkReady() async throws

    /// Prepares storage for the weeks ahead of `date` (PostgreSQL: creates the coming weekly
    /// partitions, so new points never land in the catch-all default one). The worker calls
    /// it periodically; it is idempotent and cheap when there is nothing to do.
    /// - Returns: how many storage units (partitions) were created.
    func prepareStorage(around date: Date) async throws -> Int
}

extension StoreLifecycle {
    /// Backends without time partitions have nothing to prepare.
    public func prepareStorage(around date: Date) async throws -> Int { 0 }
}

/// Everything a backend provides.
public typealias AnalyticsStore = MetricStore & OrganizationStore & StoreLifecycle & RollupStore

/// Applied and pending schema migrations of a backend.
public struct MigrationStatus: Sendable, Equatable {
    /// One migration and whether it has been applied.
    public struct Entry: Sendable, Equatable {
        /// Monotonic version number.
        public var version: Int
        /// Short description.
        public var name: String
        /// When it was applied, or `nil` while pending.
        public var appliedAt: Date?

        /// Creates an entry.
        public init(version: Int, name: String, appliedAt: Date?) {
            self.version = version
            self.name = name
            self.appliedAt = appliedAt
        }
    }

    /// Backend name, e.g. `sqlite`.
    public var backend: String
    /// Every migration the code knows, oldest first.
    public var entries: [Entry]
    /// Highest version recorded in the database, possibly newer than the code knows.
    public var databaseVersion: Int

    /// Creates a status.
    public init(backend: String, entries: [Entry], databaseVersion: Int) {
        self.backend = backend
        self.entries = entries
        self.databaseVersion = databaseVersion
    }

    /// Whether every known migration is applied and the database is not newer than the code.
    public var isCurrent: Bool {
        entries.allSatisfy { $0.appliedAt != nil } && databaseVersion <= (entries.last?.version ?? 0)
    }
}
