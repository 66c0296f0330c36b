import ChurnGuardCore
import HTTPTypes
import Hummingbird

/// Answers 400 `invalid_host` to a request whose `Host` is not one of `api.trusted_hosts`
/// (when that list is set), so the service cannot be reached under a name an attacker
/// chose (cache poisoning, links in mails built from the host). Probes are exempt.
struct TrustedHostMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: HTTPPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !policy.trustedHosts.isEmpty, !HTTPPolicy.probePaths.contains(request.uri.path) else {
            return try await next(request, context)
        }
        let host = Self.hostName(request.head.authority ?? "")
        guard Self.matches(host, policy.trustedHosts) else {
            throw ServiceError(.malformed, code: "invalid_host", message: "this service does not answer to that Host")
        }
        return try await next(request, context)
    }

    /// The host without its port, lower-cased (`[::1]:8000` → `[::1]`).
    static func hostName(_ authority: String) -> String {
        let lowered = authority.lowercased()
        if lowered.hasPrefix("["), let end = lowered.firstIndex(of: "]") {
            return String(lowered[...end])
        }
        return String(lowered.split(separator: ":", maxSplits: 1).first ?? "")
    }

    /// Whether `host` is one of `patterns` (`*.example.com` matches subdomains only).
    static func matches(_ host: String, _ patterns: [String]) -> Bool {
        guard !host.isEmpty else { return false }
        return patterns.contains { pattern in
            let pattern = pattern.lowercased()
            if pattern == "*" { return true }
            if pattern.hasPrefix("*.") { return host.hasSuffix(pattern.dropFirst()) && host.count > pattern.count - 1 }
            return host == pattern
        }
    }
}
