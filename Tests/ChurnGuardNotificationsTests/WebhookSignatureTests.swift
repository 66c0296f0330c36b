import ChurnGuardNotifications
import Testing

@Suite("Webhook signature")
struct WebhookSignatureTests {
    /// The value an independent HMAC-SHA256 (Python's hmac module, as in docs/NOTIFICATIONS.md)
    /// gives for this secret, timestamp and body.
    @Test("the signature matches an independent HMAC-SHA256 of timestamp.body")
    func knownAnswer() {
        let body = Array(#"{"id":"test"}"#.utf8)
        #expect(WebhookSignature.sign(body: body, timestamp: 1_796_140_800, secret: "whsec-0123456789abcdef")
                == "v1=bfa684c52c8769fe3a3f0e95c8cc0ea481c3fe5dd4901ce5ffac49bfdac6209c")
    }

    @Test("verification refuses another timestamp, a truncated signature and an old timestamp")
    func refusals() {
        let body = Array(#"{"id":"test"}"#.utf8)
        let signature = WebhookSignature.sign(body: body, timestamp: 1_796_140_800, secret: "whsec-0123456789abcdef")
        #expect(WebhookSignature.verify(body: body, timestamp: 1_796_140_800, signature: signature, secret: "whsec-0123456789abcdef", now: 1_796_141_000))
        #expect(!WebhookSignature.verify(body: body, timestamp: 1_796_140_801, signature: signature, secret: "whsec-0123456789abcdef", now: 1_796_140_801))
        #expect(!WebhookSignature.verify(body: body, timestamp: 1_796_140_800, signature: String(signature.dropLast()),
                                         secret: "whsec-0123456789abcdef", now: 1_796_140_800))
        #expect(!WebhookSignature.verify(body: body, timestamp: 1_796_140_800, signature: signature, secret: "whsec-0123456789abcdef",
                                         now: 1_796_140_800 + 301))
    }
}
