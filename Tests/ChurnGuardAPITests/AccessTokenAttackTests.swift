import ChurnGuardAPI
import ChurnGuardCore
import Crypto
import Foundation
import Synchronization
import Testing

/// RFC 8725 attacks on the access tokens, each against ``AccessTokens`` with a manual clock.
/// Forged tokens are built by hand (base64url JSON and HMAC-SHA256), never by the issuer.
@Suite("Access tokens: the JWT attack suite")
struct AccessTokenAttackTests {
    static let secret = String(repeating: "s", count: 40)
    static let otherSecret = String(repeating: "o", count: 40)
    static let start = Date(timeIntervalSince1970: 1_780_000_000)
    let identity = AuthenticatedIdentity(organization: OrganizationID(UUID()), tier: .premium, keyID: "KEYKEYKEYKEY",
                                         scopes: [.read, .ingest])

    final class Clock: Sendable {
        let now = Mutex(AccessTokenAttackTests.start)
        func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    func tokens(secret: String = secret, previous: String? = nil, clock: Clock = Clock()) async throws -> AccessTokens {
        try await AccessTokens(settings: .init(secret: secret, previousSecret: previous)) { clock.now.withLock { $0 } }
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func part(_ json: [String: Any]) -> String {
        base64URL((try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data())
    }

    /// A token signed with `secret` by hand, with any header and claims.
    static func forge(header: [String: Any], claims: [String: Any], secret: String?) -> String {
        let input = part(header) + "." + part(claims)
        guard let secret else { return input + "." }
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return input + "." + base64URL(Array(mac))
    }

    static func header(_ parts: [String]) throws -> [String: Any] {
        let data = try #require(Data(base64Encoded: pad(parts[0])))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func claims(_ parts: [String]) throws -> [String: Any] {
        let data = try #require(Data(base64Encoded: pad(parts[1])))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func pad(_ text: String) -> String {
        var text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return text
    }

    /// The header and claims of a genuine token, to be altered.
    func genuine(_ tokens: AccessTokens) async throws -> (header: [String: Any], claims: [String: Any], token: String) {
        let token = try await tokens.issue(for: identity).token
        let parts = token.split(separator: ".").map(String.init)
        return (try Self.header(parts), try Self.claims(parts), token)
    }

    func expectRefused(_ token: String, by tokens: AccessTokens, reason: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            _ = try await tokens.verify(token)
            Issue.record("a token that \(reason) was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == "invalid_token", sourceLocation: sourceLocation)
            #expect(error.kind == .unauthorized, sourceLocation: sourceLocation)
        }
    }

    @Test("a genuine token verifies and carries organization, key, tier and scopes")
    func roundTrip() async throws {
        let tokens = try await tokens()
        let issued = try await tokens.issue(for: identity)
        #expect(issued.expiresIn == 3600)
        let claims = try await tokens.verify(issued.token)
        #expect(claims.org == identity.organization.description)
        #expect(claims.sub.value == "KEYKEYKEYKEY")
        #expect(claims.tier == "premium")
        #expect(claims.scope == "ingest read")
        let (header, _, _) = try await genuine(tokens)
        #expect(header["alg"] as? String == "HS256")
        #expect((header["kid"] as? String)?.isEmpty == false)
    }

    @Test("alg none, with or without a signature, is refused")
    func algNone() async throws {
        let tokens = try await tokens()
        var (header, claims, _) = try await genuine(tokens)
        header["alg"] = "none"
        await expectRefused(Self.forge(header: header, claims: claims, secret: nil), by: tokens, reason: "says alg none")
        await expectRefused(Self.forge(header: header, claims: claims, secret: Self.secret), by: tokens, reason: "says alg none, signed")
        header["alg"] = "NONE"
        claims["scope"] = "ingest read admin"
        await expectRefused(Self.forge(header: header, claims: claims, secret: nil), by: tokens, reason: "says alg NONE")
    }

    @Test("HS/RS confusion: a header naming RS256 or HS512 is refused even with a valid HMAC")
    func algorithmConfusion() async throws {
        let tokens = try await tokens()
        var (header, claims, _) = try await genuine(tokens)
        claims["scope"] = "ingest read admin"
        for alg in ["RS256", "HS512", "ES256", "hs256"] {
            header["alg"] = alg
            await expectRefused(Self.forge(header: header, claims: claims, secret: Self.secret), by: tokens, reason: "names \(alg)")
        }
    }

    @Test("an unknown or missing kid is refused, even when the signature would verify with the default key")
    func unknownKid() async throws {
        let tokens = try await tokens()
        var (header, claims, _) = try await genuine(tokens)
        header["kid"] = "0000000000000000"
        await expectRefused(Self.forge(header: header, claims: claims, secret: Self.secret), by: tokens, reason: "has an unknown kid")
        header.removeValue(forKey: "kid")
        await expectRefused(Self.forge(header: header, claims: claims, secret: Self.secret), by: tokens, reason: "has no kid")
    }

    @Test("expired tokens are refused after the leeway, accepted within it")
    func expired() async throws {
        let clock = Clock()
        let tokens = try await tokens(clock: clock)
        let token = try await tokens.issue(for: identity).token
        clock.advance(3600 + 20)
        _ = try await tokens.verify(token)  // within the 30 s leeway
        clock.advance(20)
        await expectRefused(token, by: tokens, reason: "expired 40 s ago")
    }

    @Test("a token without exp is refused")
    func missingExp() async throws {
        let tokens = try await tokens()
        var (header, claims, _) = try await genuine(tokens)
        claims.removeValue(forKey: "exp")
        header["typ"] = "JWT"
        await expectRefused(Self.forge(header: header, claims: claims, secret: Self.secret), by: tokens, reason: "has no exp")
    }

    @Test("a future nbf or iat beyond the leeway is refused")
    func notYetValid() async throws {
        let tokens = try await tokens()
        let (header, claims, _) = try await genuine(tokens)
        let now = Self.start.timeIntervalSince1970
        var future = claims
        future["nbf"] = now + 120
        await expectRefused(Self.forge(header: header, claims: future, secret: Self.secret), by: tokens, reason: "is not valid before 2 min")
        future = claims
        future["iat"] = now + 120
        await expectRefused(Self.forge(header: header, claims: future, secret: Self.secret), by: tokens, reason: "was issued in 2 min")
        future = claims
        future["nbf"] = now + 10
        _ = try await tokens.verify(Self.forge(header: header, claims: future, secret: Self.secret))  // within the leeway
    }

    @Test("a wrong issuer or audience is refused")
    func issuerAndAudience() async throws {
        let tokens = try await tokens()
        let (header, claims, _) = try await genuine(tokens)
        var altered = claims
        altered["iss"] = "someone-else"
        await expectRefused(Self.forge(header: header, claims: altered, secret: Self.secret), by: tokens, reason: "has another issuer")
        altered = claims
        altered["aud"] = ["another-api"]
        await expectRefused(Self.forge(header: header, claims: altered, secret: Self.secret), by: tokens, reason: "has another audience")
        altered.removeValue(forKey: "aud")
        await expectRefused(Self.forge(header: header, claims: altered, secret: Self.secret), by: tokens, reason: "has no audience")
    }

    @Test("a tampered payload or signature is refused")
    func tampered() async throws {
        let tokens = try await tokens()
        let (_, claims, token) = try await genuine(tokens)
        let parts = token.split(separator: ".").map(String.init)
        var escalated = claims
        escalated["scope"] = "ingest read admin"
        let tamperedPayload = parts[0] + "." + Self.part(escalated) + "." + parts[2]
        await expectRefused(tamperedPayload, by: tokens, reason: "had its payload changed")
        var signature = Array(parts[2])
        signature[5] = signature[5] == "A" ? "B" : "A"
        await expectRefused(parts[0] + "." + parts[1] + "." + String(signature), by: tokens, reason: "had its signature changed")
        await expectRefused(parts[0] + "." + parts[1], by: tokens, reason: "has two parts")
        await expectRefused("not a token", by: tokens, reason: "is not a token")
        await expectRefused(String(repeating: "a", count: 5000), by: tokens, reason: "is 5000 bytes")
    }

    @Test("a token signed with another secret is refused; during a rotation the previous secret is accepted")
    func rotation() async throws {
        let old = try await tokens(secret: Self.otherSecret)
        let oldToken = try await old.issue(for: identity).token
        let current = try await tokens()
        await expectRefused(oldToken, by: current, reason: "was signed with an unknown secret")
        let rotating = try await tokens(previous: Self.otherSecret)
        _ = try await rotating.verify(oldToken)
        let fresh = try await rotating.issue(for: identity).token
        _ = try await current.verify(fresh)  // new tokens are signed with the current secret
        // The forged-kid variant: the old secret's kid on a token signed with yet another secret.
        let parts = oldToken.split(separator: ".").map(String.init)
        let forged = Self.forge(header: try Self.header(parts), claims: try Self.claims(parts), secret: String(repeating: "x", count: 40))
        await expectRefused(forged, by: rotating, reason: "carries a known kid but a signature from another secret")
    }

    @Test("a secret shorter than 32 bytes is refused at start-up, naming the setting")
    func shortSecret() async throws {
        do {
            _ = try await AccessTokens(settings: .init(secret: String(repeating: "s", count: 31)))
            Issue.record("a 31-byte secret was accepted")
        } catch {
            #expect(error.message.contains("security.jwt_secret_key"))
            #expect(error.message.contains("32 bytes"))
        }
        do {
            _ = try await AccessTokens(settings: .init(secret: Self.secret, previousSecret: "short"))
            Issue.record("a short previous secret was accepted")
        } catch {
            #expect(error.message.contains("security.jwt_secret_key_previous"))
        }
    }
}
