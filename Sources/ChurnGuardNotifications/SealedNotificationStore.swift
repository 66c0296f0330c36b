public import ChurnGuardCore
public import ChurnGuardStorage

/// The notifications role with route secrets sealed at rest (``NotificationSecretSealer``):
/// routes are sealed on the way in and opened on the way out; the outbox passes through.
public struct SealedNotificationStore: NotificationStore {
    let base: any NotificationStore
    let sealer: NotificationSecretSealer

    /// Wraps `base`, sealing with `sealer`.
    public init(base: any NotificationStore, sealer: NotificationSecretSealer) {
        self.base = base
        self.sealer = sealer
    }

    public func notificationRoutes(organization: OrganizationID) async throws -> [NotificationRoute]? {
        guard let routes = try await base.notificationRoutes(organization: organization) else { return nil }
        return try routes.map { route throws(StoreError) in
            var route = route
            route.url = try route.url.map { text throws(StoreError) in try sealer.open(text) }
            route.secret = try route.secret.map { text throws(StoreError) in try sealer.open(text) }
            return route
        }
    }

    public func replaceNotificationRoutes(_ routes: [NotificationRoute], organization: OrganizationID, at time: Timestamp) async throws {
        let sealed = try routes.map { route in
            var route = route
            route.url = try route.url.map(sealer.seal)
            route.secret = try route.secret.map(sealer.seal)
            return route
        }
        try await base.replaceNotificationRoutes(sealed, organization: organization, at: time)
    }

    public func enqueueNotifications(_ messages: [OutboxMessage], organization: OrganizationID) async throws -> Int {
        try await base.enqueueNotifications(messages, organization: organization)
    }

    public func leaseNotifications(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [OutboxMessage] {
        try await base.leaseNotifications(owner: owner, now: now, until: until, limit: limit)
    }

    public func finishNotification(id: String, owner: String, outcome: OutboxOutcome) async throws -> Bool {
        try await base.finishNotification(id: id, owner: owner, outcome: outcome)
    }

    public func expireNotifications(finishedBefore cutoff: Timestamp, limit: Int) async throws -> Int {
        try await base.expireNotifications(finishedBefore: cutoff, limit: limit)
    }

    public func notificationMessages(_ query: OutboxQuery, organization: OrganizationID) async throws -> [OutboxMessage] {
        try await base.notificationMessages(query, organization: organization)
    }

    public func paceNotifications(_ request: NotificationPacingRequest, now: Timestamp) async throws -> NotificationPacingDecision {
        try await base.paceNotifications(request, now: now)
    }

    public func releaseNotificationPacing(_ request: NotificationPacingRequest, sentAt: Timestamp) async throws {
        try await base.releaseNotificationPacing(request, sentAt: sentAt)
    }
}
