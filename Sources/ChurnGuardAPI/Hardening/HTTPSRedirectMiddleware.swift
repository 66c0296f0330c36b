import HTTPTypes
import Hummingbird
import NIOCore

/// With `security.https_redirect`, answers a plain-HTTP request with 308 to the same URL over
/// HTTPS. Whether a request is HTTPS is judged by ``ForwardedProto``: the connection itself,
/// or `X-Forwarded-Proto` when (and only when) the peer is a trusted proxy. Probes are exempt.
struct HTTPSRedirectMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let policy: HTTPPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard policy.httpsRedirect, !HTTPPolicy.probePaths.contains(request.uri.path),
              !ForwardedProto.isHTTPS(request, remote: context.remoteAddress, policy: policy)
        else {
            return try await next(request, context)
        }
        let host = request.head.authority ?? ""
        guard !host.isEmpty else { return try await next(request, context) }
        let target = "https://\(TrustedHostMiddleware<Context>.hostName(host))\(request.uri.path)"
            + (request.uri.query.map { "?\($0)" } ?? "")
        return Response(status: .permanentRedirect, headers: [.location: target])
    }
}

/// Decides whether a request arrived over HTTPS.
enum ForwardedProto {
    static let header = HTTPField.Name("X-Forwarded-Proto")!

    /// True for a request on a TLS connection (its scheme is `https`), or one relayed by a
    /// trusted proxy that says `X-Forwarded-Proto: https`. The header of any other peer is
    /// ignored: a client could otherwise claim HTTPS and skip the redirect.
    static func isHTTPS(_ request: Request, remote: SocketAddress?, policy: HTTPPolicy) -> Bool {
        if request.head.scheme == "https" { return true }
        guard let forwarded = request.headers[header],
              TrustedProxies.contains(remote, in: policy.trustedProxies)
        else { return false }
        return forwarded.split(separator: ",").first?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }
}
