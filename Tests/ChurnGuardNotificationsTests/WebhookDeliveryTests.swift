import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardNotifications
import ChurnGuardStorage
import Foundation
import MetricsTestKit
import ServiceLifecycle
import Testing

/// The delivery service against a real local HTTP receiver, on every backend, with a clock
/// moved by hand.
@Suite("Webhook and Slack delivery")
struct WebhookDeliveryTests {
    static func hookRoute(_ receiver: WebhookReceiver, id: String = "ops-hook") -> NotificationRoute {
        NotificationRoute(id: id, channel: .webhook, url: receiver.url(), secret: Fixtures.secret)
    }

    @Test("a signed webhook arrives once, verifies, and carries the documented body and headers", arguments: NotifyBackend.available)
    func signedWebhook(_ backend: NotifyBackend) async throws {
        let receiver = try await WebhookReceiver()
        defer { Task { await receiver.stop() } }
        try await backend.withStore { store in
            let org = OrganizationID.random(), time = ManualTime()
            try await store.replaceNotificationRoutes([Self.hookRoute(receiver)], organization: org, at: time.now)
            let outbox = Fixtures.outbox(store, time: time)
            let event = Fixtures.event(org, id: "alert:a1:firing", at: time.now)
            #expect(await outbox.notify(event).count == 1)
            #expect(await outbox.notify(event).count == 1, "the same event again…")
            let metrics = TestMetrics()
            let service = Fixtures.service(store, time: time, metrics: metrics)
            #expect(await service.runOnce() == 1, "…is queued once")
            #expect(await service.runOnce() == 0)
            let received = receiver.received
            try #require(received.count == 1)
            let request = received[0]
            let timestamp = try #require(request.headers["x-churnguard-timestamp"].flatMap { Int64($0) })
            #expect(timestamp == time.now.microseconds / 1_000_000)
            let signature = try #require(request.headers["x-churnguard-signature"])
            #expect(WebhookSignature.verify(body: request.body, timestamp: timestamp, signature: signature, secret: Fixtures.secret,
                                            now: timestamp + 10))
            #expect(!WebhookSignature.verify(body: request.body, timestamp: timestamp, signature: signature, secret: "another-secret-xyz",
                                             now: timestamp))
            #expect(!WebhookSignature.verify(body: request.body, timestamp: timestamp, signature: signature, secret: Fixtures.secret,
                                             now: timestamp + WebhookSignature.replayWindowSeconds + 1), "outside the replay window")
            #expect(!WebhookSignature.verify(body: request.body + [0x20], timestamp: timestamp, signature: signature, secret: Fixtures.secret,
                                             now: timestamp), "a changed body")
            #expect(request.headers["idempotency-key"] == "alert:a1:firing/ops-hook")
            #expect(request.headers["x-churnguard-event"] == "alert.firing")
            let body = request.json
            #expect(body["id"] as? String == "alert:a1:firing/ops-hook")
            #expect(body["type"] as? String == "alert.firing")
            #expect(body["organization_id"] as? String == org.description)
            let events = try #require(body["events"] as? [[String: Any]])
            #expect(events.count == 1 && events[0]["link"] as? String == "https://dash.example.com/alerts/alert:a1:firing")
            #expect((events[0]["facts"] as? [String: String])?["value"] == "0.93")
            let stored = try await store.notificationMessages(OutboxQuery(), organization: org)
            #expect(stored.map(\.state) == [.delivered] && stored.first?.attempts == 1)
            #expect(try metrics.expectCounter("churnguard_notifications_delivered_total", [("channel", "webhook")]).totalValue == 1)
        }
    }

    @Test("Slack gets a readable message with the key numbers and a link, at the configured URL by default")
    func slack() async throws {
        let receiver = try await WebhookReceiver()
        defer { Task { await receiver.stop() } }
        let store = InMemoryStore(), org = OrganizationID.random(), time = ManualTime()
        let defaults = NotificationRouting.defaultRoutes(slackWebhookURL: receiver.url("/services/T000/B000/XXXX"), emailEnabled: false, emailTo: [])
        let outbox = Fixtures.outbox(store, time: time, defaults: defaults)
        await outbox.notify(Fixtures.event(org, id: "alert:s1:firing", at: time.now))
        let service = NotificationDeliveryService(
            store: store, routing: NotificationRouting(store: store, defaults: defaults),
            senders: [.slack: HTTPNotificationSender(client: .shared, format: .slack(defaultURL: nil), timeout: .seconds(20),
                                                     dashboardURL: "https://dash.example.com")],
            options: Fixtures.options(), now: { time.now }, jitter: { 1 }, logger: Fixtures.logger)
        #expect(await service.runOnce() == 1)
        let request = try #require(receiver.received.first)
        #expect(request.path == "/services/T000/B000/XXXX")
        let body = request.json
        #expect(body["text"] as? String == "[HIGH] churn_risk_score firing for customer alert:s1:firing")
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        let texts = String(decoding: request.body, as: UTF8.self)
        #expect(blocks.count == 3)
        #expect(texts.contains("*value*\\n0.93") && texts.contains("*threshold*\\nabove 0.8"))
        #expect(texts.contains("<https://dash.example.com/alerts/alert:s1:firing|View in ChurnGuard>"))
    }

    // Bounded so a stall (seen once in a full run on a loaded machine) fails instead of hanging.
    @Test("receiver down at first: retried with backoff and delivered once it is up", .timeLimit(.minutes(3)),
          arguments: NotifyBackend.available)
    func receiverDownThenUp(_ backend: NotifyBackend) async throws {
        // Held, not only looked up: a port merely found free was once given to another test's
        // receiver meanwhile, which then took the "down" receiver's first delivery.
        let held = try HeldPort()
        let port = held.port
        try await backend.withStore { store in
            let org = OrganizationID.random(), time = ManualTime()
            let route = NotificationRoute(id: "hook", channel: .webhook, url: "http://127.0.0.1:\(port)/hook", secret: Fixtures.secret)
            try await store.replaceNotificationRoutes([route], organization: org, at: time.now)
            await Fixtures.outbox(store, time: time).notify(Fixtures.event(org, id: "alert:d1:firing", at: time.now))
            let service = Fixtures.service(store, time: time)
            #expect(await service.runOnce() == 1)
            var message = try #require(try await store.notificationMessages(OutboxQuery(), organization: org).first)
            #expect(message.state == .pending && message.attempts == 1 && message.lastError != nil)
            #expect(message.nextAttemptAt == time.now.adding(seconds: 5), "first backoff: 5 s (jitter 1)")
            time.advance(seconds: 4)
            #expect(await service.runOnce() == 0, "not before the backoff")
            held.release()
            let receiver = try await WebhookReceiver(port: port)
            defer { Task { await receiver.stop() } }
            time.advance(seconds: 1)
            #expect(await service.runOnce() == 1)
            message = try #require(try await store.notificationMessages(OutboxQuery(), organization: org).first)
            #expect(message.state == .delivered && message.attempts == 2)
            #expect(receiver.received.count == 1)
        }
    }

    @Test("500 then 200: retried, delivered, the failure counted; backoff doubles per attempt")
    func serverErrorThenOK() async throws {
        let receiver = try await WebhookReceiver(script: [.status(500), .status(503), .status(200)])
        defer { Task { await receiver.stop() } }
        let store = InMemoryStore(), org = OrganizationID.random(), time = ManualTime(), metrics = TestMetrics()
        try await store.replaceNotificationRoutes([Self.hookRoute(receiver)], organization: org, at: time.now)
        await Fixtures.outbox(store, time: time).notify(Fixtures.event(org, id: "alert:e1:firing", at: time.now))
        let service = Fixtures.service(store, time: time, metrics: metrics)
        await service.runOnce()
        var message = try #require(try await store.notificationMessages(OutboxQuery(), organization: org).first)
        #expect(message.lastError?.contains("HTTP 500") == true, "\(String(describing: message.lastError))")
        time.advance(seconds: 5)
        await service.runOnce()
        message = try #require(try await store.notificationMessages(OutboxQuery(), organization: org).first)
        #expect(message.attempts == 2 && message.nextAttemptAt == time.now.adding(seconds: 10), "second backoff: 10 s")
        time.advance(seconds: 10)
        await service.runOnce()
        message = try #require(try await store.notificationMessages(OutboxQuery(), organization: org).first)
        #expect(message.state == .delivered && message.attempts == 3)
        let keys = Set(receiver.received.map { $0.headers["idempotency-key"] ?? "" })
        #expect(receiver.received.count == 3 && keys == ["alert:e1:firing/ops-hook"], "one key on every retry")
        #expect(try metrics.expectCounter("churnguard_notifications_attempt_failures_total", [("channel", "webhook")]).totalValue == 2)
    }

    @Test("a slow receiver times out and is retried")
    func slowReceiver() async throws {
        let receiver = try await WebhookReceiver(script: [.slow(.seconds(30), status: 200)])
        defer { Task { await receiver.stop() } }
        let store = InMemoryStore(), org = OrganizationID.random(), time = ManualTime()
        try await store.replaceNotificationRoutes([Self.hookRoute(receiver)], organization: org, at: time.now)
        await Fixtures.outbox(store, time: time).notify(Fixtures.event(org, id: "alert:t1:firing", at: time.now))
        let impatient = Fixtures.service(store, time: time, options: Fixtures.options(timeout: .seconds(2)))
        await impatient.runOnce()
        var message = try #require(try await store.notificationMessages(OutboxQuery(), organization: org).first)
        #expect(message.state == .pending && message.attempts == 1)
        #expect(message.lastError?.contains("timed out") == true, "\(String(describing: message.lastError))")
        // The receiver answers at once now; the retry (same service settings but a timeout that
        // a loaded test machine cannot miss) delivers.
        time.advance(seconds: 5)
        await Fixtures.service(store, time: time).runOnce()
        message = try #require(try await store.notificationMessages(OutboxQuery(), organization: org).first)
        #expect(message.state == .delivered && message.attempts == 2)
    }

    @Test("a 404 fails at once and stays visible; a message failing past the give-up time fails too")
    func givingUp() async throws {
        let receiver = try await WebhookReceiver(script: [.status(404)] + Array(repeating: .status(500), count: 500))
        defer { Task { await receiver.stop() } }
        let store = InMemoryStore(), org = OrganizationID.random(), time = ManualTime(), metrics = TestMetrics()
        try await store.replaceNotificationRoutes([Self.hookRoute(receiver)], organization: org, at: time.now)
        let outbox = Fixtures.outbox(store, time: time)
        await outbox.notify(Fixtures.event(org, id: "alert:g1:firing", at: time.now))
        let service = Fixtures.service(store, time: time, metrics: metrics)
        await service.runOnce()
        let refused = try await store.notificationMessages(OutboxQuery(states: [.failed]), organization: org)
        #expect(refused.count == 1 && refused[0].attempts == 1 && refused[0].lastError?.contains("HTTP 404") == true)
        await outbox.notify(Fixtures.event(org, id: "alert:g2:firing", group: "other", at: time.now))
        var rounds = 0
        while try await store.notificationMessages(OutboxQuery(states: [.pending]), organization: org).count == 1, rounds < 200 {
            time.advance(seconds: 61)
            await service.runOnce()
            rounds += 1
        }
        let failed = try await store.notificationMessages(OutboxQuery(states: [.failed]), organization: org)
        #expect(failed.count == 2 && failed.allSatisfy { $0.lastError?.contains("HTTP 500") == true || $0.lastError?.contains("404") == true })
        let late = try #require(failed.first { $0.event.id == "alert:g2:firing" })
        #expect((late.finishedAt?.microseconds ?? 0) - late.createdAt.microseconds >= 3600 * 1_000_000, "given up after an hour, not before")
        #expect(try metrics.expectCounter("churnguard_notifications_failed_total", [("channel", "webhook")]).totalValue == 2)
    }

    @Test("similar events inside the digest window go out as one digest", arguments: NotifyBackend.available)
    func digest(_ backend: NotifyBackend) async throws {
        let receiver = try await WebhookReceiver()
        defer { Task { await receiver.stop() } }
        try await backend.withStore { store in
            let org = OrganizationID.random(), time = ManualTime()
            try await store.replaceNotificationRoutes([Self.hookRoute(receiver)], organization: org, at: time.now)
            let outbox = Fixtures.outbox(store, time: time)
            let service = Fixtures.service(store, time: time, options: Fixtures.options(digest: 60))
            await outbox.notify(Fixtures.event(org, id: "alert:c1:firing", at: time.now))
            await service.runOnce()
            time.advance(seconds: 10)
            for customer in 2...4 { await outbox.notify(Fixtures.event(org, id: "alert:c\(customer):firing", at: time.now)) }
            await outbox.notify(Fixtures.event(org, id: "alert:x1:firing", group: "alert.firing/activity-low", at: time.now))
            await service.runOnce()
            #expect(receiver.received.count == 2, "the first alone, then the other group; the rest is held")
            time.advance(seconds: 50)
            await service.runOnce()
            let requests = receiver.received
            try #require(requests.count == 3)
            let digest = requests[2].json
            #expect(digest["type"] as? String == "digest")
            #expect((digest["events"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["alert:c2:firing", "alert:c3:firing", "alert:c4:firing"])
            #expect(requests[2].headers["idempotency-key"]?.hasPrefix("digest/") == true)
            #expect(try await store.notificationMessages(OutboxQuery(states: [.delivered]), organization: org).count == 5)
        }
    }

    @Test("past a channel's rate the rest wait for tokens instead of flooding", arguments: NotifyBackend.available)
    func rateLimit(_ backend: NotifyBackend) async throws {
        let receiver = try await WebhookReceiver()
        defer { Task { await receiver.stop() } }
        try await backend.withStore { store in
            let org = OrganizationID.random(), time = ManualTime(), metrics = TestMetrics()
            try await store.replaceNotificationRoutes([Self.hookRoute(receiver)], organization: org, at: time.now)
            let outbox = Fixtures.outbox(store, time: time)
            for index in 0..<5 { await outbox.notify(Fixtures.event(org, id: "alert:r\(index):firing", group: "g\(index)", at: time.now)) }
            let service = Fixtures.service(store, time: time, options: Fixtures.options(rate: 2), metrics: metrics)
            await service.runOnce()
            #expect(receiver.received.count == 2)
            #expect(try metrics.expectCounter("churnguard_notifications_rate_limited_total", [("channel", "webhook")]).totalValue == 3)
            time.advance(seconds: 30)
            await service.runOnce()
            #expect(receiver.received.count == 3, "one token per 30 s at 2 per minute")
            time.advance(seconds: 60)
            await service.runOnce()
            #expect(receiver.received.count == 5)
            let pending = try await store.notificationMessages(OutboxQuery(states: [.pending]), organization: org)
            #expect(pending.isEmpty)
            #expect(try await store.notificationMessages(OutboxQuery(), organization: org).allSatisfy { $0.attempts == 1 }, "holds are not attempts")
        }
    }

    @Test("two workers share the digest window and the rate: one first message per group, the rate for both together",
          arguments: NotifyBackend.durable)
    func twoWorkersSharePacing(_ backend: NotifyBackend) async throws {
        let receiver = try await WebhookReceiver()
        defer { Task { await receiver.stop() } }
        try await backend.withStore { store in
            let org = OrganizationID.random(), other = OrganizationID.random(), time = ManualTime()
            try await store.replaceNotificationRoutes([Self.hookRoute(receiver)], organization: org, at: time.now)
            try await store.replaceNotificationRoutes([Self.hookRoute(receiver)], organization: other, at: time.now)
            var options = Fixtures.options(digest: 60, rate: 4)
            options.batchSize = 1
            let a = Fixtures.service(store, time: time, options: options, owner: "worker-a")
            let b = Fixtures.service(store, time: time, options: options, owner: "worker-b")
            let outbox = Fixtures.outbox(store, time: time)
            // One group of one organization: each worker leases one message of it at a time.
            for customer in 1...2 { await outbox.notify(Fixtures.event(org, id: "alert:d\(customer):firing", at: time.now)) }
            async let first = a.runOnce()
            async let second = b.runOnce()
            _ = await (first, second)
            #expect(receiver.received.count == 1, "one worker sends the group's first message; the other holds its message for the window")
            // Six more groups over two organizations: the rate of 4 a minute is for both workers together.
            for index in 0..<3 {
                await outbox.notify(Fixtures.event(org, id: "alert:e\(index):firing", group: "e\(index)", at: time.now))
                await outbox.notify(Fixtures.event(other, id: "alert:o\(index):firing", group: "o\(index)", at: time.now))
            }
            for _ in 0..<4 {
                async let first = a.runOnce()
                async let second = b.runOnce()
                _ = await (first, second)
            }
            #expect(receiver.received.count == 4, "1 + 3 more tokens of 4 a minute, shared: \(receiver.received.count)")
            time.advance(seconds: 60)
            for _ in 0..<6 {
                async let first = a.runOnce()
                async let second = b.runOnce()
                _ = await (first, second)
            }
            let keys = receiver.received.map { $0.headers["idempotency-key"] ?? "" }
            #expect(keys.count == 8, "the held first-group message and the 3 held groups after a minute: \(keys)")
            #expect(Set(keys).count == keys.count, "nothing sent twice")
            let delivered = try await store.notificationMessages(OutboxQuery(states: [.delivered]), organization: org).count
                + store.notificationMessages(OutboxQuery(states: [.delivered]), organization: other).count
            #expect(delivered == 8)
        }
    }

    @Test("a worker stopped mid-delivery: after its lease expires another delivers; duplicates carry one idempotency key",
          arguments: NotifyBackend.durable)
    func stoppedMidDelivery(_ backend: NotifyBackend) async throws {
        let receiver = try await WebhookReceiver(script: [.slow(.seconds(2), status: 200)])
        defer { Task { await receiver.stop() } }
        try await backend.withStore { store in
            let org = OrganizationID.random(), time = ManualTime()
            try await store.replaceNotificationRoutes([Self.hookRoute(receiver)], organization: org, at: time.now)
            await Fixtures.outbox(store, time: time).notify(Fixtures.event(org, id: "alert:k1:firing", at: time.now))
            let first = Fixtures.service(store, time: time, owner: "worker-a")
            let running = Task { await first.runOnce() }
            for _ in 0..<200 where receiver.received.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            running.cancel()
            _ = await running.value
            var message = try #require(try await store.notificationMessages(OutboxQuery(), organization: org).first)
            #expect(message.state == .pending, "never confirmed")
            let restarted = Fixtures.service(store, time: time, owner: "worker-b")
            #expect(await restarted.runOnce() == 0, "still leased by the stopped worker")
            time.advance(seconds: Double(Fixtures.options().leaseSeconds) + 1)
            #expect(await restarted.runOnce() == 1)
            message = try #require(try await store.notificationMessages(OutboxQuery(), organization: org).first)
            #expect(message.state == .delivered)
            let keys = receiver.received.map { $0.headers["idempotency-key"] ?? "" }
            #expect(keys.count == 2 && Set(keys) == ["alert:k1:firing/ops-hook"], "\(keys)")
        }
    }

    @Test("two workers on one store never send the same message twice", arguments: NotifyBackend.durable)
    func twoWorkers(_ backend: NotifyBackend) async throws {
        let receiver = try await WebhookReceiver()
        defer { Task { await receiver.stop() } }
        try await backend.withStore { store in
            let org = OrganizationID.random(), time = ManualTime()
            try await store.replaceNotificationRoutes([Self.hookRoute(receiver)], organization: org, at: time.now)
            let outbox = Fixtures.outbox(store, time: time)
            for index in 0..<30 { await outbox.notify(Fixtures.event(org, id: "alert:w\(index):firing", group: "g\(index)", at: time.now)) }
            var options = Fixtures.options()
            options.batchSize = 4
            let a = Fixtures.service(store, time: time, options: options, owner: "worker-a")
            let b = Fixtures.service(store, time: time, options: options, owner: "worker-b")
            for _ in 0..<10 {
                async let first = a.runOnce()
                async let second = b.runOnce()
                _ = await (first, second)
            }
            let keys = receiver.received.map { $0.headers["idempotency-key"] ?? "" }
            #expect(keys.count == 30 && Set(keys).count == 30, "\(keys.count) requests, \(Set(keys).count) distinct")
            #expect(try await store.notificationMessages(OutboxQuery(states: [.delivered]), organization: org).count == 30)
        }
    }
}

/// The service's own loop under swift-service-lifecycle.
@Suite("Delivery service lifecycle")
struct DeliveryServiceLifecycleTests {
    @Test("run() keeps delivering what is queued while it runs and stops promptly on graceful shutdown")
    func runsAndStops() async throws {
        let receiver = try await WebhookReceiver()
        defer { Task { await receiver.stop() } }
        let store = InMemoryStore(), org = OrganizationID.random()
        try await store.replaceNotificationRoutes([WebhookDeliveryTests.hookRoute(receiver)], organization: org, at: Timestamp(Date()))
        var options = Fixtures.options()
        options.pollInterval = .milliseconds(50)
        let service = NotificationDeliveryService(
            store: store, routing: NotificationRouting(store: store, defaults: []),
            senders: [.webhook: HTTPNotificationSender(client: .shared, format: .webhook, timeout: .seconds(20), dashboardURL: nil)],
            options: options, logger: Fixtures.logger)
        let group = ServiceGroup(configuration: .init(services: [service], logger: Fixtures.logger))
        let running = Task { try await group.run() }
        let outbox = NotificationOutbox(store: store, routing: NotificationRouting(store: store, defaults: []), logger: Fixtures.logger)
        await outbox.notify(Fixtures.event(org, id: "alert:l1:firing", at: Timestamp(Date())))
        for _ in 0..<3000 where receiver.received.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(receiver.received.count == 1)
        await outbox.notify(Fixtures.event(org, id: "alert:l2:firing", group: "other", at: Timestamp(Date())))
        for _ in 0..<3000 where receiver.received.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(receiver.received.count == 2)
        let stopping = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(ContinuousClock.now - stopping < .seconds(10), "stopped while waiting for the next poll")
    }
}

@Suite("Outbox expiry")
struct OutboxExpiryTests {
    @Test("finished messages are deleted after keep_finished, at most once per interval; pending ones stay", arguments: NotifyBackend.available)
    func expiry(_ backend: NotifyBackend) async throws {
        try await backend.withStore { store in
            let org = OrganizationID.random(), time = ManualTime()
            try await store.replaceNotificationRoutes([NotificationRoute(id: "off", channel: .webhook, url: "http://127.0.0.1:9/x",
                                                                         secret: Fixtures.secret, enabled: false)],
                                                      organization: org, at: time.now)
            let outbox = Fixtures.outbox(store, time: time)
            _ = try await outbox.sendTest(organization: org, routeID: "off")
            var options = Fixtures.options()
            options.keepFinishedSeconds = 86_400
            let service = Fixtures.service(store, time: time, options: options)
            await service.runOnce()
            #expect(try await store.notificationMessages(OutboxQuery(states: [.failed]), organization: org).count == 1, "disabled route")
            #expect(await service.expireFinishedIfDue() == 0, "not a day old yet")
            time.advance(seconds: 86_401)
            #expect(await service.expireFinishedIfDue() == 1)
            #expect(try await store.notificationMessages(OutboxQuery(), organization: org).isEmpty)
        }
    }
}
