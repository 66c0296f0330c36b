import HTTPTypes
import ChurnGuardCore
import ChurnGuardStorage
import Hummingbird
import Logging
import NIOHTTP1

/// Turns every error into the API's JSON error shape with the right status, in one place.
///
/// Unknown errors become a bare 500 whose body says nothing of SQL, secrets or tenants;
/// the details go to the log with the request id.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.errorResponse(error, context: context)
        }
    }

    /// The answer to `error`: its status and the JSON error shape (also used by middleware
    /// that must add headers to an error answer).
    static func errorResponse(_ error: any Error, context: some RequestContext) -> Response {
        switch error {
        case let error as ServiceError:
            return response(for: error)
        case let error as StoreError:
            return response(for: serviceError(for: error, logger: context.logger))
        case let error as JSONSyntaxError:
            return response(for: ServiceError(.malformed, code: "malformed_json",
                                              message: "request body is not valid JSON: \(error.message) at byte \(error.offset)"))
        case let error as any HTTPResponseError:
            return response(for: serviceError(for: error.status))
        case let error as HTTPParserError:
            // The request broke off (a client that went away mid-body, or one cut off by the
            // body deadline) or was not HTTP: the client's doing, not the server's.
            context.logger.info("request ended early or was not valid HTTP", metadata: ["error": "\(error)"])
            return response(for: ServiceError(.malformed, code: "bad_request", message: "the request was cut off or is not valid HTTP"))
        default:
            context.logger.error("unhandled error", metadata: ["error": "\(LogText.capped(String(reflecting: error)))"])
            return response(for: ServiceError(.unavailable(retryAfterSeconds: nil), code: "internal_error",
                                              message: "internal error; see the server log for request \(context.id)"),
                            status: .internalServerError)
        }
    }

    static func serviceError(for error: StoreError, logger: Logger) -> ServiceError {
        switch error {
        case .conflict(let message):
            return ServiceError(.conflict, code: "conflict", message: message)
        case .unavailable(let message):
            logger.error("store unavailable", metadata: ["error": "\(LogText.capped(message))"])
            return ServiceError(.unavailable(retryAfterSeconds: 5), code: "store_unavailable",
                                message: "the metric store is unavailable; retry later")
        case .schemaNotCurrent(let message):
            return ServiceError(.unavailable(retryAfterSeconds: 30), code: "schema_not_current", message: message)
        case .timedOut(let message):
            logger.warning("query over its time budget", metadata: ["error": "\(LogText.capped(message))"])
            return ServiceError(.unavailable(retryAfterSeconds: 5), code: "query_timeout",
                                message: "the query did not finish within its time budget; narrow the time range or the tag filters")
        case .invalidCursor:
            return ServiceError(.validation, code: "invalid_query", message: "invalid query parameters",
                                details: [ErrorDetail(field: "cursor", message: "is not a cursor returned by this API")])
        case .invalidRequest(let message):
            logger.notice("store refused request values", metadata: ["error": "\(LogText.capped(message))"])
            return ServiceError(.validation, code: "invalid_query",
                                message: "the query's values are out of range or too complex for the store")
        case .storageFull(let message):
            logger.error("database storage full", metadata: ["error": "\(LogText.capped(message))"])
            return ServiceError(.unavailable(retryAfterSeconds: 60), code: "storage_full",
                                message: "the database's disk is full; nothing of this request was stored; retry once space is freed")
        case .storageFailed(let message):
            logger.critical("database write failed; writes are refused until restart", metadata: ["error": "\(LogText.capped(message))"])
            return ServiceError(.unavailable(retryAfterSeconds: 60), code: "storage_failed",
                                message: "the database hit an I/O error and refuses writes until the service is restarted; "
                                    + "a write in flight may or may not have been stored: retry with the same Idempotency-Key then")
        }
    }

    static func serviceError(for status: HTTPResponse.Status) -> ServiceError {
        switch status {
        case .contentTooLarge:
            return ServiceError(.payloadTooLarge, code: "payload_too_large", message: "request body is too large")
        case .notFound:
            return ServiceError(.notFound, code: "not_found", message: "no such route")
        case .methodNotAllowed:
            return ServiceError(.malformed, code: "method_not_allowed", message: "method not allowed on this route")
        case .unauthorized:
            return ServiceError(.unauthorized, code: "unauthorized", message: "authentication required")
        default:
            return ServiceError(.malformed, code: "bad_request", message: status.reasonPhrase)
        }
    }

    static func response(for error: ServiceError, status override: HTTPResponse.Status? = nil) -> Response {
        var headers: HTTPFields = [:]
        let status: HTTPResponse.Status
        switch error.kind {
        case .malformed: status = error.code == "method_not_allowed" ? .methodNotAllowed : .badRequest
        case .unauthorized:
            status = .unauthorized
            headers[.wwwAuthenticate] = "ApiKey"
        case .forbidden: status = .forbidden
        case .notFound: status = .notFound
        case .conflict: status = .conflict
        case .payloadTooLarge: status = .contentTooLarge
        case .validation: status = .unprocessableContent
        case .rateLimited(let seconds):
            status = .tooManyRequests
            headers[.retryAfter] = String(seconds)
        case .unavailable(let seconds):
            status = .serviceUnavailable
            if let seconds { headers[.retryAfter] = String(seconds) }
        }
        let body = ErrorBody(error: .init(code: error.code, message: error.message, details: error.details))
        do {
            return try JSONResponse.make(override ?? status, body, headers: headers)
        } catch {
            // Strings and integers always encode; should that ever change, still never a 2xx.
            return JSONResponse.raw(.internalServerError, ByteBuffer(string: Self.fallbackBody))
        }
    }

    /// The error body when even an error body cannot be encoded.
    static var fallbackBody: String { #"{"error":{"code":"internal_error","details":[],"message":"internal error"}}"# }
}
