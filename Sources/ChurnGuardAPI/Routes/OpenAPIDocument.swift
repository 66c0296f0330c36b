import Foundation
import Hummingbird

/// Serves the OpenAPI 3 document bundled with the API target.
enum OpenAPIDocument {
    /// The document's text, read once.
    static let text: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "openapi: 3.0.3\ninfo: {title: ChurnGuard Analytics, version: unknown}\npaths: {}\n" }
        return text
    }()

    static func response() -> Response {
        JSONResponse.raw(.ok, ByteBuffer(string: text), contentType: "application/yaml")
    }
}
