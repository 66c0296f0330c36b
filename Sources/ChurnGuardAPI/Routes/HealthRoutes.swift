import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import Hummingbird
import Logging

/// Liveness, readiness and the OpenAPI document: no key required.
struct HealthRoutes {
    let store: any StoreLifecycle
    let backendName: String

    func register(on router: Router<AppRequestContext>) {
        router.get("health") { _, _ in
            try await health()
        }
        router.get("ready") { _, context in
            try await ready(logger: context.logger)
        }
        router.get("openapi.yaml") { _, _ in
            OpenAPIDocument.response()
        }
    }

    struct Health: Encodable {
        let status: String
        let timestamp: String
        let services: [String: String]
    }

    /// Liveness: answers while the process serves HTTP, even when the store is down (that
    /// is what readiness reports), so an orchestrator does not restart a healthy process.
    func health() async throws -> Response {
        let storeState: String
        do {
            try await store.checkReady()
            storeState = "healthy"
        } catch {
            storeState = "unhealthy"
        }
        return try JSONResponse.make(.ok, Health(
            status: "healthy", timestamp: RFC3339.format(Timestamp(Date())),
            services: ["api": "healthy", "database": storeState, "database_backend": backendName]))
    }

    struct Readiness: Encodable {
        let status: String
        let reason: String?
    }

    /// Readiness: 200 only when the store answers and its schema is current. The reason
    /// given is generic (anyone may ask); the store's own error goes to the log. Encoding
    /// the answer is outside the `do`, so its failure is a 500, never "not ready".
    func ready(logger: Logger) async throws -> Response {
        let status: HTTPResponse.Status
        let readiness: Readiness
        do {
            try await store.checkReady()
            (status, readiness) = (.ok, Readiness(status: "ready", reason: nil))
        } catch {
            logger.warning("not ready", metadata: ["error": "\(LogText.capped(String(describing: error)))"])
            (status, readiness) = (.serviceUnavailable, Readiness(status: "not_ready", reason: Self.publicReason(error)))
        }
        return try JSONResponse.make(status, readiness)
    }

    /// What `/ready` says about a failure: its kind, never the backend's text.
    static func publicReason(_ error: any Error) -> String {
        switch error as? StoreError {
        case .schemaNotCurrent: "database schema is not current"
        case .timedOut: "database did not answer in time"
        case .storageFull: "database storage is full"
        case .storageFailed: "database write failed (I/O error); restart required"
        default: "database unavailable"
        }
    }
}
