import HTTPTypes
import ChurnGuardCore
import Foundation
import Hummingbird

/// Builds JSON responses with one encoder configuration for the whole API.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status = .ok, _ value: some Encodable, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return raw(status, ByteBuffer(bytes: data), headers: headers)
    }

    static func raw(_ status: HTTPResponse.Status, _ body: ByteBuffer, headers: HTTPFields = [:],
                    contentType: String = "application/json") -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: body))
    }
}

/// The error body every failure is answered with.
struct ErrorBody: Encodable {
    struct Inner: Encodable {
        let code: String
        let message: String
        let details: [ErrorDetail]
    }
    let error: Inner
}
