public import Hummingbird
public import HummingbirdWebSocket
import ChurnGuardCore
import Metrics

/// The request context of the stream's upgrade router: the WebSocket handler reference and,
/// once the authentication middleware ran, who the caller is.
public struct StreamRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The WebSocket handler chosen by the route.
    public let webSocket: WebSocketHandlerReference<Self>
    /// Set by ``StreamAuthMiddleware`` before the upgrade is accepted.
    public var identity: AuthenticatedIdentity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
    }
}

extension Authenticator {
    /// The credentials of a stream upgrade request: today the API key header, as on every
    /// `/api/` route. The one place to extend when bearer tokens (header, or `?token=` for
    /// browsers, which cannot set headers on a WebSocket) are accepted.
    /// - Throws: 401 `missing_api_key` when there are none.
    /// The upgrade's credentials: a key or `Authorization: Bearer` header as on `/api/`, or,
    /// for browsers (which cannot set headers on a WebSocket), an access token in `?token=`.
    /// The token's value is never logged (the request log shows the path only).
    func streamCredentials(_ request: Request) throws -> Credentials {
        try credentials(in: request.headers, queryToken: request.uri.queryParameters.get("token"))
    }
}

/// Authenticates the upgrade request exactly as ``AuthMiddleware`` does for `/api/`. An
/// unauthenticated upgrade is never upgraded: hummingbird-websocket answers every refused
/// upgrade with a bare `400 Bad Request` and closes the connection (the reason is logged and
/// counted on `churnguard_stream_refused_upgrades_total`).
struct StreamAuthMiddleware: RouterMiddleware {
    typealias Context = StreamRequestContext

    let authenticator: Authenticator
    let refused = Counter(label: "churnguard_stream_refused_upgrades_total")

    func handle(_ request: Request, context: StreamRequestContext,
                next: (Request, StreamRequestContext) async throws -> Response) async throws -> Response {
        let identity: AuthenticatedIdentity
        do {
            identity = try await authenticator.authenticate(try authenticator.streamCredentials(request))
            guard identity.scopes.contains(.read) else {
                throw ServiceError(.forbidden, code: "insufficient_scope", message: "the stream needs the 'read' scope")
            }
        } catch {
            refused.increment()
            context.logger.info("stream upgrade refused", metadata: ["reason": "\(error)"])
            throw error
        }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "organization_id"] = "\(identity.organization)"
        context.logger[metadataKey: "key_id"] = "\(identity.keyID)"
        return try await next(request, context)
    }
}
