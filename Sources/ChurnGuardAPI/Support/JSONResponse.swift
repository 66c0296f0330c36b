import HTTPTypes
import ChurnGuardCore
import Foundation
import Hummingbird

/// Builds JSON responses with one encoder configuration for the whole API.
enum JSONResponse {
    /// `value` encoded as JSON with `status`.
    ///
    /// Throws ``ResponseEncodingError`` when `value` cannot be encoded (a non-finite
    /// `Double`, for one): the ``ErrorMiddleware`` answers that 500, because a response
    /// must never stand in for data it could not represent (this used to send `200 {}`).
    static func make(_ status: HTTPResponse.Status = .ok, _ value: some Encodable, headers: HTTPFields = [:]) throws(ResponseEncodingError) -> Response {
        let data: Data
        do {
            data = try encoder().encode(value)
        } catch {
            throw ResponseEncodingError(type: String(describing: type(of: value)), reason: String(describing: error))
        }
        return raw(status, ByteBuffer(bytes: data), headers: headers)
    }

    static func raw(_ status: HTTPResponse.Status, _ body: ByteBuffer, headers: HTTPFields = [:],
                    contentType: String = "application/json") -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: body))
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// A response value that could not be encoded as JSON; answered 500, never a partial body.
struct ResponseEncodingError: Error, CustomStringConvertible {
    /// The Swift type that failed to encode.
    let type: String
    /// The encoder's explanation (for the log only).
    let reason: String

    var description: String { "cannot encode \(type) as JSON: \(reason)" }
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
