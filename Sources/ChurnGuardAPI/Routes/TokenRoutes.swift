import ChurnGuardCore
import Hummingbird

/// `POST /api/v1/auth/token`: exchanges the API key of the request for a short-lived access
/// token carrying the key's organization, tier and scopes.
struct TokenRoutes {
    let tokens: AccessTokens?

    struct Answer: Encodable {
        let access_token: String
        let token_type: String
        let expires_in: Int
        let scope: String
    }

    func register(on group: RouterGroup<OrganizationContext>) {
        group.post("auth/token") { _, context in
            try await issue(context: context)
        }
    }

    func issue(context: OrganizationContext) async throws -> Response {
        guard let tokens else {
            throw ServiceError(.notFound, code: "tokens_disabled", message: "access tokens are not enabled on this service")
        }
        // A token is exchanged for a key, never for another token: a token's life cannot be
        // extended without the key, so revoking the key ends access within its bound.
        guard context.identity.method == .apiKey else {
            throw ServiceError(.forbidden, code: "api_key_required", message: "exchange an API key for a token, not another token")
        }
        let issued = try await tokens.issue(for: context.identity)
        return try JSONResponse.make(.ok, Answer(access_token: issued.token, token_type: "bearer", expires_in: issued.expiresIn,
                                                 scope: context.identity.scopes.sorted().map(\.rawValue).joined(separator: " ")),
                                     headers: [.cacheControl: "no-store"])
    }
}
