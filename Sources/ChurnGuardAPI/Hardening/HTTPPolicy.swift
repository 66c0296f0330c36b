/// How the API protects browsers and itself at the HTTP level: CORS, trusted hosts, the HTTPS
/// redirect and the security headers (`api.cors_origins`, `api.trusted_hosts`,
/// `security.https_redirect`, `security.trusted_proxies`, `security.hsts_max_age_seconds`).
public struct HTTPPolicy: Sendable {
    /// Origins a browser may call the API from (exact, such as `https://app.example.com`);
    /// `*` allows any origin. Empty (the default): no cross-origin access.
    public var corsOrigins: [String] = []
    /// Host names the service answers to (`example.com`, or `*.example.com` for subdomains);
    /// empty: any host.
    public var trustedHosts: [String] = []
    /// Redirect plain-HTTP requests to HTTPS (308), as judged by the connection or, from a
    /// trusted proxy only, `X-Forwarded-Proto`.
    public var httpsRedirect = false
    /// Peers whose `X-Forwarded-Proto` is believed: IP addresses or CIDR blocks.
    public var trustedProxies: [String] = ["127.0.0.1", "::1"]
    /// `Strict-Transport-Security` max-age on HTTPS answers; zero sends none.
    public var hstsMaxAgeSeconds = 31_536_000
    /// The content security policy of every answer: the built-in dashboard loads only its own
    /// scripts, styles and images, and talks only to this service.
    public var contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Paths every policy lets through unchanged: probes from orchestrators and scrapers,
    /// which call by pod address over plain HTTP.
    public static let probePaths: Set<String> = ["/health", "/ready", "/metrics"]

    /// The defaults: nothing cross-origin, any host, no redirect.
    public init() {}

    /// Whether `entry` is an IP address or a CIDR block (for `security.trusted_proxies`).
    public static func isValidProxyEntry(_ entry: String) -> Bool {
        let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = TrustedProxies.bytes(ofText: String(parts[0])) else { return false }
        guard parts.count == 2 else { return true }
        guard let bits = Int(parts[1]) else { return false }
        return (0...(bytes.count * 8)).contains(bits)
    }

    /// Whether `entry` is `*` or an origin as browsers send it (`https://host[:port]`, no path).
    public static func isValidOrigin(_ entry: String) -> Bool {
        if entry == "*" { return true }
        for scheme in ["https://", "http://"] where entry.hasPrefix(scheme) {
            let rest = entry.dropFirst(scheme.count)
            return !rest.isEmpty && !rest.contains("/") && !rest.contains(" ")
        }
        return false
    }
}
