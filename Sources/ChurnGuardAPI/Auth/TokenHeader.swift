import ChurnGuardCore
import Foundation

/// The JOSE header of a compact JWS, read before any signature check so that the algorithm
/// can be pinned and the key chosen by `kid` only among known ones.
struct TokenHeader: Decodable {
    var alg: String?
    var kid: String?

    /// Longest token accepted; real ones are a few hundred bytes.
    static let maxTokenBytes = 4096

    /// Parses the header of `token`.
    /// - Throws: 401 `invalid_token` when it is not three base64url parts with a JSON header.
    init(_ token: String) throws(ServiceError) {
        guard token.utf8.count <= Self.maxTokenBytes else { throw AccessTokens.invalid("it is too long") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Self.base64URLDecoded(parts[0]),
              let header = try? JSONDecoder().decode(TokenHeader.self, from: data)
        else {
            throw AccessTokens.invalid("it is not a signed JSON Web Token")
        }
        self = header
    }

    static func base64URLDecoded(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }
}
