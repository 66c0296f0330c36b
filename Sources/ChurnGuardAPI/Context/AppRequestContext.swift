public import ChurnGuardCore
public import Hummingbird
import Logging
public import NIOCore

/// Who made a request, once authenticated.
public struct AuthenticatedIdentity: Sendable, Equatable {
    /// The organization all reads and writes are scoped to.
    public var organization: OrganizationID
    /// Rate-limit tier.
    public var tier: Tier
    /// The API key used (directly, or the key a token was exchanged for), for audit logs and
    /// rate limits; never the key itself.
    public var keyID: String
    /// What the caller may do.
    public var scopes: Set<Scope>
    /// How the caller proved who it is.
    public var method: Method

    /// The kinds of credential.
    public enum Method: String, Sendable {
        /// An API key in the configured header (or as a bearer value).
        case apiKey = "api_key"
        /// An access token from `POST /api/v1/auth/token`.
        case token
    }

    /// Creates an identity.
    public init(organization: OrganizationID, tier: Tier, keyID: String, scopes: Set<Scope> = Scope.all, method: Method = .apiKey) {
        self.organization = organization
        self.tier = tier
        self.keyID = keyID
        self.scopes = scopes
        self.method = method
    }
}

/// The request context of every route; authentication middleware fills in `identity`.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication middleware on `/api/` routes.
    public var identity: AuthenticatedIdentity?
    /// Carries what inner middleware learns (the organization) out to the access log.
    public let observation = RequestObservation()

    /// The peer's address, for logs of refused requests and the trusted-proxy check.
    public var remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The largest body any code may collect: `api.max_body_bytes`, set by the first
    /// middleware (the framework's 2 MiB default until then).
    public var maxUploadSize = 2 * 1024 * 1024
}

/// The context of tenant routes: the organization is resolved once, non-optional, so a
/// handler cannot forget to scope a query by it.
public struct OrganizationContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's organization.
    public let organization: OrganizationID
    /// The caller's tier.
    public let tier: Tier
    /// The key the caller used (its public identifier), for audit.
    public let keyID: String
    /// The largest body a route may collect (`api.max_body_bytes`).
    public let maxUploadSize: Int
    /// The whole identity (scopes and credential kind included).
    public let identity: AuthenticatedIdentity

    public init(context: AppRequestContext) throws {
        guard let identity = context.identity else {
            throw ServiceError(.unauthorized, code: "unauthorized", message: "an API key is required")
        }
        self.coreContext = context.coreContext
        self.organization = identity.organization
        self.tier = identity.tier
        self.keyID = identity.keyID
        self.maxUploadSize = context.maxUploadSize
        self.identity = identity
    }
}
