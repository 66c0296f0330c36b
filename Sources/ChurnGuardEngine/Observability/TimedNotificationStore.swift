import ChurnGuardCore
import ChurnGuardStorage
import Metrics

/// The notifications role with every call timed (`query_type` `select_notifications` /
/// `write_notifications`), as ``TimedBackends`` does for the other roles.
struct TimedNotificationStore: NotificationStore {
    let base: any NotificationStore
    let select: Timer
    let write: Timer

    init(base: any NotificationStore, factory: any MetricsFactory) {
        self.base = base
        select = Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", "select_notifications")], factory: factory)
        write = Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", "write_notifications")], factory: factory)
    }

    func notificationRoutes(organization: OrganizationID) async throws -> [NotificationRoute]? {
        try await timed(select) { try await base.notificationRoutes(organization: organization) }
    }

    func replaceNotificationRoutes(_ routes: [NotificationRoute], organization: OrganizationID, at time: Timestamp) async throws {
        try await timed(write) { try await base.replaceNotificationRoutes(routes, organization: organization, at: time) }
    }

    func enqueueNotifications(_ messages: [OutboxMessage], organization: OrganizationID) async throws -> Int {
        try await timed(write) { try await base.enqueueNotifications(messages, organization: organization) }
    }

    func leaseNotifications(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [OutboxMessage] {
        try await timed(write) { try await base.leaseNotifications(owner: owner, now: now, until: until, limit: limit) }
    }

    func finishNotification(id: String, owner: String, outcome: OutboxOutcome) async throws -> Bool {
        try await timed(write) { try await base.finishNotification(id: id, owner: owner, outcome: outcome) }
    }

    func expireNotifications(finishedBefore cutoff: Timestamp, limit: Int) async throws -> Int {
        try await timed(write) { try await base.expireNotifications(finishedBefore: cutoff, limit: limit) }
    }

    func paceNotifications(_ request: NotificationPacingRequest, now: Timestamp) async throws -> NotificationPacingDecision {
        try await timed(write) { try await base.paceNotifications(request, now: now) }
    }

    func releaseNotificationPacing(_ request: NotificationPacingRequest, sentAt: Timestamp) async throws {
        try await timed(write) { try await base.releaseNotificationPacing(request, sentAt: sentAt) }
    }

    func notificationMessages(_ query: OutboxQuery, organization: OrganizationID) async throws -> [OutboxMessage] {
        try await timed(select) { try await base.notificationMessages(query, organization: organization) }
    }
}
