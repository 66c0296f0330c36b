public import ChurnGuardCore
import Crypto
public import Foundation
import JWTKit

/// Issues and verifies short-lived HS256 access tokens (RFC 7519), done to RFC 8725:
/// the algorithm is pinned (a header naming anything but `HS256` is refused before any
/// signature is computed), `exp` is required, `nbf` and `iat` are checked with a small leeway,
/// issuer and audience are set and checked, and every token names its signing key (`kid`), so
/// tokens signed with the previous secret (`JWT_SECRET_KEY_PREVIOUS`) keep working during a
/// rotation while new ones are signed with the current secret.
///
/// A key id is derived from its secret (a truncated SHA-256), so every replica configured with
/// the same secret agrees on it without coordination.
public struct AccessTokens: Sendable {
    /// Settings of token issue and checks.
    public struct Settings: Sendable {
        /// Signing secret, at least 32 bytes.
        public var secret: String
        /// A previous secret still accepted for verification (rotation), at least 32 bytes.
        public var previousSecret: String?
        /// `iss` set and required.
        public var issuer = "churnguard"
        /// `aud` set and required.
        public var audience = "churnguard-api"
        /// How long an issued token lives.
        public var lifetime: Duration = .seconds(3600)
        /// Clock skew tolerated on `exp`, `nbf` and `iat`.
        public var leeway: Duration = .seconds(30)

        /// Settings with the defaults above.
        public init(secret: String, previousSecret: String? = nil) {
            self.secret = secret
            self.previousSecret = previousSecret
        }
    }

    /// A token just issued.
    public struct Issued: Sendable {
        /// The compact JWS.
        public var token: String
        /// Seconds until it expires.
        public var expiresIn: Int
    }

    /// The least secret length accepted (RFC 7518 §3.2: a key at least as long as the hash).
    public static let minimumSecretBytes = 32
    /// The only algorithm issued or accepted.
    public static let algorithm = "HS256"

    let settings: Settings
    let keys: JWTKeyCollection
    let currentKeyID: String
    let knownKeyIDs: Set<String>
    let now: @Sendable () -> Date

    /// Prepares issuing and verification.
    /// - Throws: a message naming the setting when a secret is shorter than 32 bytes (jwt-kit
    ///   would trap on it).
    public init(settings: Settings, now: @escaping @Sendable () -> Date = { Date() }) async throws(ServiceError) {
        try Self.check(settings.secret, setting: "security.jwt_secret_key (JWT_SECRET_KEY)")
        if let previous = settings.previousSecret {
            try Self.check(previous, setting: "security.jwt_secret_key_previous (JWT_SECRET_KEY_PREVIOUS)")
        }
        self.settings = settings
        self.now = now
        let keys = JWTKeyCollection()
        currentKeyID = Self.keyID(of: settings.secret)
        var known: Set<String> = [currentKeyID]
        await keys.add(hmac: HMACKey(from: settings.secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: currentKeyID))
        if let previous = settings.previousSecret, Self.keyID(of: previous) != currentKeyID {
            let previousID = Self.keyID(of: previous)
            known.insert(previousID)
            await keys.add(hmac: HMACKey(from: previous), digestAlgorithm: .sha256, kid: JWKIdentifier(string: previousID))
        }
        self.keys = keys
        knownKeyIDs = known
    }

    static func check(_ secret: String, setting: String) throws(ServiceError) {
        guard secret.utf8.count >= minimumSecretBytes else {
            throw ServiceError(.validation, code: "weak_jwt_secret",
                               message: "\(setting) must be at least \(minimumSecretBytes) bytes (it has \(secret.utf8.count)); generate one with `openssl rand -hex 32`")
        }
    }

    /// The `kid` of tokens signed with `secret`.
    static func keyID(of secret: String) -> String {
        let digest = SHA256.hash(data: Array("churnguard-jwt-kid:\(secret)".utf8))
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// A new token for `identity`, valid from now for the configured lifetime.
    public func issue(for identity: AuthenticatedIdentity) async throws -> Issued {
        let issuedAt = now()
        let lifetime = Double(settings.lifetime.components.seconds)
        let claims = AccessTokenClaims(
            iss: IssuerClaim(value: settings.issuer), aud: AudienceClaim(value: [settings.audience]),
            sub: SubjectClaim(value: identity.keyID), jti: IDClaim(value: UUID().uuidString),
            org: identity.organization.description, tier: identity.tier.rawValue,
            scope: identity.scopes.sorted().map(\.rawValue).joined(separator: " "),
            iat: IssuedAtClaim(value: issuedAt), nbf: NotBeforeClaim(value: issuedAt),
            exp: ExpirationClaim(value: issuedAt.addingTimeInterval(lifetime)))
        var header = JWTHeader()
        header.alg = Self.algorithm
        header.typ = "JWT"
        let token = try await keys.sign(claims, kid: JWKIdentifier(string: currentKeyID), header: header)
        return Issued(token: token, expiresIn: Int(lifetime))
    }

    /// The claims of a token that is authentic and valid now.
    /// - Throws: 401 `invalid_token` (with the reason) for anything else.
    public func verify(_ token: String) async throws(ServiceError) -> AccessTokenClaims {
        let header = try TokenHeader(token)
        guard header.alg == Self.algorithm else {
            throw Self.invalid("its algorithm is not \(Self.algorithm)")
        }
        guard let kid = header.kid, knownKeyIDs.contains(kid) else {
            throw Self.invalid("it was not signed with a key this service knows")
        }
        let claims: AccessTokenClaims
        do {
            claims = try await keys.verify(token, as: AccessTokenClaims.self)
        } catch {
            throw Self.invalid("its signature or payload is not valid")
        }
        try check(claims)
        return claims
    }

    func check(_ claims: AccessTokenClaims) throws(ServiceError) {
        let current = now()
        let leeway = Double(settings.leeway.components.seconds)
        guard current.timeIntervalSince(claims.exp.value) < leeway else { throw Self.invalid("it has expired") }
        guard claims.nbf.value.timeIntervalSince(current) <= leeway else { throw Self.invalid("it is not valid yet") }
        guard claims.iat.value.timeIntervalSince(current) <= leeway else { throw Self.invalid("it was issued in the future") }
        guard claims.iss.value == settings.issuer else { throw Self.invalid("it was issued by someone else") }
        guard claims.aud.value.contains(settings.audience) else { throw Self.invalid("it is meant for another audience") }
    }

    static func invalid(_ reason: String) -> ServiceError {
        ServiceError(.unauthorized, code: "invalid_token", message: "the access token is not valid: \(reason)")
    }
}
