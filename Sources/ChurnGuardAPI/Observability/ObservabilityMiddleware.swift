import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: gives each request its id and trace, counts it and logs one
/// access line when it is answered.
///
/// - The request id is taken from `X-Request-ID` when acceptable (see ``RequestID``), else
///   generated; it is returned in `X-Request-ID` and set in the request's log metadata, so
///   every line logged for the request (and the "see the server log for request …" of a 500)
///   carries it.
/// - A valid W3C `traceparent` is logged as `trace_id` and `parent_span_id`.
/// - With ``HTTPMetrics``, the request is counted by method, route template and status.
/// - The access line (`request completed`, level info) carries method, route, status,
///   duration and the organization, never the path's values, the query or a header.
struct ObservabilityMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// Counts requests; nil when metrics are off.
    let metrics: HTTPMetrics?
    /// Whether to log one line per answered request.
    let accessLog: Bool

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let requestID = RequestID.take(request.headers[.requestID])
        var context = context
        context.logger[metadataKey: "hb.request.id"] = .string(requestID)
        if let header = request.headers[.traceParent], let trace = TraceParent(header) {
            context.logger[metadataKey: "trace_id"] = .string(trace.traceID)
            context.logger[metadataKey: "parent_span_id"] = .string(trace.parentID)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // The error middleware inside answers every error; this is for one thrown around it.
            response = ErrorMiddleware<AppRequestContext>.errorResponse(error, context: context)
        }
        response.headers[.requestID] = requestID
        // A route template starts with "/"; without a matching route the framework leaves
        // none (or a placeholder such as "NotFound"): all such requests share "unmatched".
        let endpoint = context.endpointPath.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
        let duration = ContinuousClock.now - start
        metrics?.record(method: request.method, endpoint: endpoint, status: response.status.code, duration: duration)
        if accessLog, context.logger.logLevel <= .info {
            var metadata: Logger.Metadata = [
                "method": .string(request.method.rawValue), "route": .string(endpoint),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .string(Self.milliseconds(duration)),
            ]
            if let organization = context.observation.organization {
                metadata["organization_id"] = .string(organization.description)
            }
            context.logger.info("request completed", metadata: metadata)
        }
        return response
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(Double(Int((value * 1000).rounded())) / 1000)
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`, taken from the request and returned in the response.
    static let requestID = HTTPField.Name("X-Request-ID")!
    /// W3C Trace Context `traceparent`.
    static let traceParent = HTTPField.Name("traceparent")!
}
