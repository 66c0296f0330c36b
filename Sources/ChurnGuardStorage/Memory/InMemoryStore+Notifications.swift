public import ChurnGuardCore

/// The notifications role in memory: routes per organization and the outbox by id.
struct InMemoryNotificationState {
    var routes: [OrganizationID: [NotificationRoute]] = [:]
    var outbox: [String: OutboxMessage] = [:]
    var keys: Set<String> = []
    var lastSent: [DigestKey: Timestamp] = [:]
    var buckets: [NotificationChannel: NotificationTokenBucket] = [:]

    /// A group of one organization's route.
    struct DigestKey: Hashable {
        let organization: OrganizationID
        let routeID: String
        let group: String

        init(_ request: NotificationPacingRequest) {
            organization = request.organization
            routeID = request.routeID
            group = request.group
        }
    }
}

extension InMemoryStore: NotificationStore {
    public func notificationRoutes(organization: OrganizationID) async throws -> [NotificationRoute]? {
        if let failure { throw failure }
        return notificationState.routes[organization]
    }

    public func replaceNotificationRoutes(_ routes: [NotificationRoute], organization: OrganizationID, at time: Timestamp) async throws {
        if let failure { throw failure }
        var seen = Set<String>()
        for route in routes where !seen.insert(route.id).inserted {
            throw StoreError.conflict("route id \(route.id) appears twice")
        }
        notificationState.routes[organization] = routes.sorted { $0.id < $1.id }
    }

    @discardableResult
    public func enqueueNotifications(_ messages: [OutboxMessage], organization: OrganizationID) async throws -> Int {
        if let failure { throw failure }
        var added = 0
        for message in messages where message.organization == organization {
            let key = organization.description + " " + message.idempotencyKey
            guard notificationState.outbox[message.id] == nil, notificationState.keys.insert(key).inserted else { continue }
            notificationState.outbox[message.id] = message
            added += 1
        }
        return added
    }

    public func leaseNotifications(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [OutboxMessage] {
        if let failure { throw failure }
        let due = notificationState.outbox.values.filter { message in
            message.state == .pending && message.nextAttemptAt <= now && (message.leaseExpiresAt.map { $0 <= now } ?? true)
        }.sorted { ($0.nextAttemptAt, $0.createdAt, $0.id) < ($1.nextAttemptAt, $1.createdAt, $1.id) }.prefix(max(0, limit))
        return due.map { message in
            var leased = message
            leased.leaseOwner = owner
            leased.leaseExpiresAt = until
            notificationState.outbox[leased.id] = leased
            return leased
        }
    }

    @discardableResult
    public func finishNotification(id: String, owner: String, outcome: OutboxOutcome) async throws -> Bool {
        if let failure { throw failure }
        guard var message = notificationState.outbox[id], message.state == .pending, message.leaseOwner == owner else { return false }
        message.apply(outcome)
        notificationState.outbox[id] = message
        return true
    }

    @discardableResult
    public func expireNotifications(finishedBefore cutoff: Timestamp, limit: Int) async throws -> Int {
        if let failure { throw failure }
        let expired = notificationState.outbox.values
            .filter { $0.state != .pending && ($0.finishedAt.map { $0 < cutoff } ?? false) }
            .sorted { ($0.finishedAt ?? cutoff, $0.id) < ($1.finishedAt ?? cutoff, $1.id) }.prefix(max(0, limit))
        for message in expired {
            notificationState.outbox[message.id] = nil
            notificationState.keys.remove(message.organization.description + " " + message.idempotencyKey)
        }
        notificationState.lastSent = notificationState.lastSent.filter { $0.value >= cutoff }
        return expired.count
    }

    public func paceNotifications(_ request: NotificationPacingRequest, now: Timestamp) async throws -> NotificationPacingDecision {
        if let failure { throw failure }
        let key = InMemoryNotificationState.DigestKey(request)
        let outcome = NotificationPacing.decide(request, lastSent: notificationState.lastSent[key],
                                                bucket: notificationState.buckets[request.channel], now: now)
        if let bucket = outcome.bucket { notificationState.buckets[request.channel] = bucket }
        if outcome.marksSent { notificationState.lastSent[key] = now }
        return outcome.decision
    }

    public func releaseNotificationPacing(_ request: NotificationPacingRequest, sentAt: Timestamp) async throws {
        if let failure { throw failure }
        let key = InMemoryNotificationState.DigestKey(request)
        if notificationState.lastSent[key] == sentAt { notificationState.lastSent[key] = nil }
    }

    public func notificationMessages(_ query: OutboxQuery, organization: OrganizationID) async throws -> [OutboxMessage] {
        if let failure { throw failure }
        return notificationState.outbox.values
            .filter { $0.organization == organization && (query.states.isEmpty || query.states.contains($0.state)) }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            .prefix(max(0, query.limit)).map { $0 }
    }
}

extension OutboxMessage {
    /// The message after `outcome` (lease released): the in-memory store's rule, which the
    /// SQL backends follow.
    public mutating func apply(_ outcome: OutboxOutcome) {
        leaseOwner = nil
        leaseExpiresAt = nil
        switch outcome {
        case .delivered(let at):
            state = .delivered
            attempts += 1
            finishedAt = at
        case .retry(let next, let error, let attempted, _):
            if attempted { attempts += 1 }
            if let error { lastError = error }
            nextAttemptAt = next
        case .failed(let error, let at):
            state = .failed
            attempts += 1
            lastError = error
            finishedAt = at
        }
    }
}
