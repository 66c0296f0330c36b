public import Foundation
public import JWTKit

/// The claims of an access token: who it speaks for (organization, key, tier, scopes), who
/// issued it for whom (`iss`, `aud`) and when it is valid (`iat`, `nbf`, `exp`).
///
/// The time and audience checks are made by ``AccessTokens`` against its injected clock, not
/// in ``verify(using:)``, so they can be tested without waiting.
public struct AccessTokenClaims: JWTPayload, Equatable {
    /// Issuer (`security.jwt_issuer`).
    public var iss: IssuerClaim
    /// Audience (`security.jwt_audience`).
    public var aud: AudienceClaim
    /// The API key the token was exchanged for (its public identifier).
    public var sub: SubjectClaim
    /// A unique token identifier, for audit.
    public var jti: IDClaim
    /// The organization.
    public var org: String
    /// Rate-limit tier.
    public var tier: String
    /// Space-separated scopes (RFC 8693 `scope`).
    public var scope: String
    /// Issued at.
    public var iat: IssuedAtClaim
    /// Not valid before.
    public var nbf: NotBeforeClaim
    /// Expires at (required).
    public var exp: ExpirationClaim

    /// Signature checks happen in jwt-kit; claims are checked by ``AccessTokens/verify(_:)``.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
