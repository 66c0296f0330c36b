public import AsyncHTTPClient
import ChurnGuardCore
import NIOCore
import Foundation

/// Sends Slack and generic webhook deliveries over HTTP(S) with async-http-client.
///
/// A 2xx answer is success. 408, 429 and 5xx answers and connection problems are retried;
/// any other answer (a 404 for a deleted Slack webhook, a 401 for a wrong secret) fails the
/// message at once. The answer's body is never read past 512 bytes.
public struct HTTPNotificationSender: NotificationSender {
    /// Which body and headers to send.
    public enum Format: Sendable {
        /// A Slack incoming-webhook message (the route's URL, or the configured one).
        case slack(defaultURL: String?)
        /// The signed generic webhook event.
        case webhook
    }

    let client: HTTPClient
    let format: Format
    let timeout: Duration
    let dashboardURL: String?

    /// A sender of `format` through `client`, each request bounded by `timeout`.
    public init(client: HTTPClient, format: Format, timeout: Duration, dashboardURL: String?) {
        self.client = client
        self.format = format
        self.timeout = timeout
        self.dashboardURL = dashboardURL
    }

    public func send(_ delivery: NotificationDelivery) async throws(DeliveryFailure) {
        let url: String
        let body: [UInt8]
        var request: HTTPClientRequest
        switch format {
        case .slack(let defaultURL):
            guard let address = delivery.route.url ?? defaultURL, !address.isEmpty else {
                throw DeliveryFailure("no Slack webhook URL (set SLACK_WEBHOOK_URL or the route's url)", permanent: true)
            }
            url = address
            body = SlackPayload(delivery, dashboardURL: dashboardURL).encoded()
            request = HTTPClientRequest(url: url)
        case .webhook:
            guard let address = delivery.route.url, !address.isEmpty else { throw DeliveryFailure("the webhook route has no url", permanent: true) }
            url = address
            body = WebhookPayload(delivery, dashboardURL: dashboardURL).encoded()
            request = HTTPClientRequest(url: url)
            let timestamp = delivery.sentAt.microseconds / 1_000_000
            request.headers.add(name: WebhookSignature.timestampHeader, value: "\(timestamp)")
            if let secret = delivery.route.secret, !secret.isEmpty {
                request.headers.add(name: WebhookSignature.signatureHeader, value: WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret))
            }
            request.headers.add(name: WebhookSignature.eventHeader,
                                value: delivery.isDigest ? "digest" : (delivery.events.first?.kind.rawValue ?? "test"))
        }
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "ChurnGuard-Notifications/1")
        request.headers.add(name: WebhookSignature.idempotencyHeader, value: delivery.idempotencyKey)
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        let seconds = Int64(timeout.components.seconds), nanos = timeout.components.attoseconds / 1_000_000_000
        let deadline = TimeAmount.nanoseconds(seconds * 1_000_000_000 + nanos)
        do {
            response = try await client.execute(request, timeout: deadline)
        } catch {
            throw DeliveryFailure("\(Self.host(url)): \(Self.describe(error))", permanent: false)
        }
        let code = Int(response.status.code)
        let answer = (try? await response.body.collect(upTo: 512)).map { String(buffer: $0) } ?? ""
        guard (200..<300).contains(code) else {
            let permanent = (400..<500).contains(code) && code != 408 && code != 429
            throw DeliveryFailure("\(Self.host(url)) answered HTTP \(code) \(answer.prefix(200))", permanent: permanent)
        }
    }

    /// Only the host of an address: a Slack or webhook URL carries its token in the path.
    static func host(_ url: String) -> String {
        URLComponents(string: url).flatMap { components in components.host.map { host in components.port.map { "\(host):\($0)" } ?? host } }
            ?? "webhook"
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout { return "timed out" }
            return "\(error)"
        }
        return "\(error)"
    }
}
