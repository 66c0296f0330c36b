import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardNotifications
import ChurnGuardStorage
import Foundation
import Logging
import Testing

/// Route secrets sealed at rest: what the database holds is not the secret, what the service
/// reads is, and a wrong key is an error rather than a garbled URL.
@Suite("Notification secrets sealed at rest")
struct SealedSecretsTests {
    static let key = "0123456789abcdef0123456789abcdef-test-key"
    static let url = "https://hooks.slack.com/services/T000/B000/XXXXSECRETTOKEN"

    @Test("seal and open round-trip; every seal differs; another key or an altered value cannot be opened; plain text passes")
    func sealer() throws {
        let sealer = NotificationSecretSealer(secret: Self.key)
        let sealed = try sealer.seal(Self.url)
        #expect(NotificationSecretSealer.isSealed(sealed) && !sealed.contains("SECRETTOKEN"))
        #expect(try sealer.open(sealed) == Self.url)
        #expect(try sealer.seal(Self.url) != sealed, "a fresh nonce each time")
        #expect(throws: StoreError.self) { try NotificationSecretSealer(secret: Self.key + "x").open(sealed) }
        var altered = Array(sealed)
        altered[altered.count - 3] = altered[altered.count - 3] == "A" ? "B" : "A"
        #expect(throws: StoreError.self) { try sealer.open(String(altered)) }
        #expect(try sealer.open("https://plain.example.com/x") == "https://plain.example.com/x")
    }

    @Test("the store holds sealed URLs and secrets; the service reads them back; routes stored before the key still read",
          arguments: NotifyBackend.available)
    func store(_ backend: NotifyBackend) async throws {
        try await backend.withStore { base in
            let organization = OrganizationID.random(), time = Timestamp(seconds: 1_764_000_000)
            let sealed = SealedNotificationStore(base: base, sealer: NotificationSecretSealer(secret: Self.key))
            let routes = [NotificationRoute(id: "team-slack", channel: .slack, url: Self.url),
                          NotificationRoute(id: "ops-hook", channel: .webhook, url: "https://hooks.example.com/x?token=abc",
                                            secret: Fixtures.secret),
                          NotificationRoute(id: "cs-mail", channel: .email, emailTo: ["cs@example.com"])]
            try await sealed.replaceNotificationRoutes(routes, organization: organization, at: time)
            let raw = try #require(try await base.notificationRoutes(organization: organization))
            #expect(raw.compactMap(\.url).allSatisfy(NotificationSecretSealer.isSealed), "\(raw.map(\.url))")
            #expect(raw.compactMap(\.secret).allSatisfy(NotificationSecretSealer.isSealed))
            #expect(!raw.contains { ($0.url ?? "").contains("SECRETTOKEN") || ($0.secret ?? "").contains(Fixtures.secret) })
            #expect(raw.first { $0.id == "cs-mail" }?.emailTo == ["cs@example.com"])
            let read = try #require(try await sealed.notificationRoutes(organization: organization))
            #expect(Set(read.map(\.id)) == Set(routes.map(\.id)))
            for route in routes {
                let back = read.first { $0.id == route.id }
                #expect(back?.url == route.url && back?.secret == route.secret)
            }
            // Stored in plain text before a key was configured: read as it is.
            let older = OrganizationID.random()
            try await base.replaceNotificationRoutes([routes[0]], organization: older, at: time)
            #expect(try await sealed.notificationRoutes(organization: older)?.first?.url == Self.url)
            // Read with another key: an error naming the setting, not a garbled URL.
            let wrong = SealedNotificationStore(base: base, sealer: NotificationSecretSealer(secret: Self.key + "-rotated"))
            await #expect(throws: StoreError.self) { try await wrong.notificationRoutes(organization: organization) }
        }
    }

    @Test("configuration: NOTIFICATION_SECRETS_KEY seals what the opened store writes; a short key is refused naming the setting")
    func configuration() throws {
        var values = ConfigValues()
        values.set("notifications.secrets_key", "short")
        let error = try #require(throws: ConfigError.self) { try AppConfiguration(values: values) }
        #expect("\(error)".contains("notifications.secrets_key"))
        values.set("notifications.secrets_key", Self.key)
        values.set("database.backend", "memory")
        let configuration = try AppConfiguration(values: values)
        let backends = try StoreFactory.open(configuration, logger: Fixtures.logger)
        #expect(backends.notifications is SealedNotificationStore)
    }
}
