public import ChurnGuardCore
public import ChurnGuardEngine
public import ChurnGuardStorage
public import Logging
public import Metrics
public import ServiceLifecycle
public import Foundation
import Synchronization

/// Sends the outbox: leases due messages, groups similar ones into digests, keeps each
/// channel kind under its rate limit (both shared through the store by every worker on it,
/// see ``NotificationStore/paceNotifications(_:now:)``), retries failures with exponential backoff and jitter,
/// and gives up after ``NotificationDeliveryOptions/giveUpAfterSeconds`` (state `failed`,
/// counted, listed by the API).
///
/// Several workers (processes or replicas) can run it on one store: a message is leased to
/// one of them at a time (see ``NotificationStore``). A worker that stops mid-send leaves its
/// lease to expire, after which another sends the message again (at-least-once; receivers
/// drop the duplicate by its idempotency key). Time comes from `now`, so tests drive it.
public final class NotificationDeliveryService: Service, Sendable {
    struct GroupKey: Hashable {
        let organization: OrganizationID
        let routeID: String
        let group: String
    }

    struct State {
        var lastExpiry: Timestamp?
    }

    let store: any NotificationStore
    let routing: NotificationRouting
    let senders: [NotificationChannel: any NotificationSender]
    let options: NotificationDeliveryOptions
    let now: @Sendable () -> Timestamp
    let jitter: @Sendable () -> Double
    let logger: Logger
    /// This worker's lease owner name.
    public let owner: String
    let state: Mutex<State>
    let delivered, attemptFailures, failed, rateLimited, digested: [NotificationChannel: Counter]
    let durations: [NotificationChannel: Timer]

    /// A service sending through `senders` (a channel without a sender fails its messages
    /// with a clear error). `jitter` returns a factor in [0.5, 1].
    public init(store: any NotificationStore, routing: NotificationRouting, senders: [NotificationChannel: any NotificationSender],
                options: NotificationDeliveryOptions = .init(), now: @escaping @Sendable () -> Timestamp = { Timestamp(Date()) },
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1) },
                owner: String = "worker-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())",
                logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.store = store
        self.routing = routing
        self.senders = senders
        self.options = options
        self.now = now
        self.jitter = jitter
        self.owner = owner
        self.logger = logger
        state = Mutex(State())
        func counters(_ label: String) -> [NotificationChannel: Counter] {
            Dictionary(uniqueKeysWithValues: NotificationChannel.allCases.map {
                ($0, Counter(label: label, dimensions: [("channel", $0.rawValue)], factory: metricsFactory))
            })
        }
        delivered = counters(MetricNames.notificationsDelivered)
        attemptFailures = counters(MetricNames.notificationsAttemptFailures)
        failed = counters(MetricNames.notificationsFailed)
        rateLimited = counters(MetricNames.notificationsRateLimited)
        digested = counters(MetricNames.notificationsDigested)
        durations = Dictionary(uniqueKeysWithValues: NotificationChannel.allCases.map {
            ($0, Timer(label: MetricNames.notificationsDeliveryDuration, dimensions: [("channel", $0.rawValue)], factory: metricsFactory))
        })
    }

    /// Looks at the outbox until graceful shutdown; a send in progress then finishes (each is
    /// bounded by the send timeout) before it returns.
    public func run() async throws {
        logger.info("notification delivery started", metadata: ["owner": "\(owner)"])
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await expireFinishedIfDue()
            let handled = await runOnce()
            if handled == 0 {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.options.pollInterval) }
            }
        }
        logger.info("notification delivery stopped", metadata: ["owner": "\(owner)"])
    }

    /// One pass: leases what is due and handles it; the number of messages handled.
    @discardableResult
    public func runOnce() async -> Int {
        let time = now()
        let leased: [OutboxMessage]
        do {
            leased = try await store.leaseNotifications(owner: owner, now: time, until: time.adding(seconds: options.leaseSeconds),
                                                        limit: options.batchSize)
        } catch {
            logger.warning("notification outbox not read", metadata: ["error": "\(error)"])
            return 0
        }
        var order: [GroupKey] = []
        var groups: [GroupKey: [OutboxMessage]] = [:]
        for message in leased {
            let key = GroupKey(organization: message.organization, routeID: message.routeID, group: message.event.groupKey)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(message)
        }
        // Each group on its own: one slow or failing receiver never holds up another's.
        await withTaskGroup(of: Void.self) { tasks in
            for key in order {
                guard let messages = groups[key] else { continue }
                tasks.addTask { await self.handle(messages, key: key, at: time) }
            }
        }
        return leased.count
    }

    private func handle(_ messages: [OutboxMessage], key: GroupKey, at time: Timestamp) async {
        let route: NotificationRoute?
        do {
            route = try await routing.route(id: key.routeID, organization: key.organization)
        } catch {
            await finish(messages, .retry(next: time.adding(seconds: 30), error: "routes not read: \(error)", attempted: false, at: time))
            return
        }
        guard let route, route.enabled else {
            await finish(messages, .failed(error: "route \(key.routeID) no longer exists or is disabled", at: time))
            countEach(messages, failed)
            return
        }
        guard let sender = senders[route.channel] else {
            await finish(messages, .failed(error: "the \(route.channel.rawValue) channel is not configured on this server", at: time))
            countEach(messages, failed)
            return
        }
        let pacing = NotificationPacingRequest(organization: key.organization, routeID: key.routeID, group: key.group, channel: route.channel,
                                               digestWindowSeconds: options.digestWindowSeconds, ratePerMinute: options.ratePerMinute)
        switch await pace(pacing, count: messages.count, at: time) {
        case .send: break
        case .holdForDigest(let until), .holdForRate(let until):
            await finish(messages, .retry(next: until, error: nil, attempted: false, at: time))
            return
        }
        let delivery = NotificationDelivery.of(messages, route: route, at: time)
        let started = ContinuousClock.now
        do {
            try await sender.send(delivery)
            durations[route.channel]?.record(duration: ContinuousClock.now - started)
            await finish(messages, .delivered(at: time))
            delivered[route.channel]?.increment(by: messages.count)
            if messages.count > 1 { digested[route.channel]?.increment(by: messages.count) }
        } catch {
            durations[route.channel]?.record(duration: ContinuousClock.now - started)
            // Stopped mid-send: the outcome is unknown, so nothing is recorded; the lease
            // expires and the message is sent again (receivers drop the duplicate by its key).
            if Task.isCancelled { return }
            attemptFailures[route.channel]?.increment()
            // Not delivered: the retry must not wait for a digest window this send started.
            do { try await store.releaseNotificationPacing(pacing, sentAt: time) } catch {
                logger.warning("digest window of a failed send not released; its retry may wait for the window",
                               metadata: ["route_id": "\(route.id)", "error": "\(error)"])
            }
            for message in messages {
                let expired = time.microseconds - message.createdAt.microseconds >= options.giveUpAfterSeconds * 1_000_000
                if error.permanent || expired {
                    await finish([message], .failed(error: error.message, at: time))
                    failed[route.channel]?.increment()
                    logger.warning("notification given up", metadata: [
                        "message_id": "\(message.id)", "organization_id": "\(message.organization)", "route_id": "\(route.id)",
                        "attempts": "\(message.attempts + 1)", "error": "\(error.message)",
                    ])
                } else {
                    await finish([message], .retry(next: time.adding(microseconds: backoff(attempt: message.attempts + 1)),
                                                   error: error.message, attempted: true, at: time))
                }
            }
        }
    }

    /// Deletes delivered and failed messages older than ``NotificationDeliveryOptions/keepFinishedSeconds``
    /// once per ``NotificationDeliveryOptions/expiryIntervalSeconds`` (in batches of 10,000, so
    /// each statement stays within the query budget); the number deleted.
    @discardableResult
    public func expireFinishedIfDue() async -> Int {
        let time = now()
        let due = state.withLock { state -> Bool in
            if let last = state.lastExpiry, time < last.adding(seconds: options.expiryIntervalSeconds) { return false }
            state.lastExpiry = time
            return true
        }
        guard due else { return 0 }
        let cutoff = time.adding(seconds: -options.keepFinishedSeconds)
        var total = 0
        do {
            while true {
                let deleted = try await store.expireNotifications(finishedBefore: cutoff, limit: 10_000)
                total += deleted
                if deleted < 10_000 || Task.isCancelled { break }
            }
        } catch {
            logger.warning("finished notifications not expired; retried at the next interval", metadata: ["error": "\(error)"])
        }
        if total > 0 { logger.info("finished notifications expired", metadata: ["count": "\(total)"]) }
        return total
    }

    /// Whether a group may go now, asked of the store so that every worker shares the digest
    /// window and the rate; a store that cannot answer holds the group for 30 s (not an attempt).
    private func pace(_ request: NotificationPacingRequest, count: Int, at time: Timestamp) async -> NotificationPacingDecision {
        do {
            let decision = try await store.paceNotifications(request, now: time)
            if case .holdForRate = decision { rateLimited[request.channel]?.increment(by: count) }
            return decision
        } catch {
            logger.warning("notification pacing not read; the group waits 30 s", metadata: ["route_id": "\(request.routeID)", "error": "\(error)"])
            return .holdForRate(until: time.adding(seconds: 30))
        }
    }

    /// Microseconds to wait before attempt `attempt + 1`: base × 2^(attempt−1), capped, times jitter.
    func backoff(attempt: Int) -> Int64 {
        let exponential = options.backoffSeconds * pow(2, Double(max(0, min(attempt - 1, 30))))
        let capped = min(options.maxBackoffSeconds, exponential)
        return Int64(capped * min(1, max(0.5, jitter())) * 1_000_000)
    }

    private func finish(_ messages: [OutboxMessage], _ outcome: OutboxOutcome) async {
        for message in messages {
            do {
                if try await store.finishNotification(id: message.id, owner: owner, outcome: outcome) == false {
                    logger.warning("notification lease lost before its outcome was stored", metadata: ["message_id": "\(message.id)"])
                }
            } catch {
                // The lease expires and the message is tried again: at-least-once.
                logger.warning("notification outcome not stored", metadata: ["message_id": "\(message.id)", "error": "\(error)"])
            }
        }
    }

    private func countEach(_ messages: [OutboxMessage], _ counters: [NotificationChannel: Counter]) {
        for message in messages { counters[message.channel]?.increment() }
    }
}

extension Timestamp {
    func adding(microseconds: Int64) -> Timestamp { Timestamp(microseconds: self.microseconds + microseconds) }
}
