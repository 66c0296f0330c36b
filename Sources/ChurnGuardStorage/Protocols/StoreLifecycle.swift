public import Foundation

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

    /// Things an operator should fix, found once the backend is reachable (e.g. a PostgreSQL
    /// role that row-level security cannot bind); logged at start-up. Never throws: a check
    /// that cannot run is reported as a warning itself.
    func startupWarnings() async -> [String]

    /// Stops what the backend runs in the background (a connection pool); the backend is
    /// unusable afterwards. Idempotent.
    func shutdown() async
}

extension StoreLifecycle {
    /// Backends without time partitions have nothing to prepare.
    public func prepareStorage(around date: Date) async throws -> Int { 0 }

    /// Nothing to warn about by default.
    public func startupWarnings() async -> [String] { [] }

    /// Nothing runs in the background by default.
    public func shutdown() async {}
}

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
