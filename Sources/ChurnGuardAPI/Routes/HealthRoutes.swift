import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import Hummingbird

/// Liveness, readiness and the OpenAPI document: no key required.
struct HealthRoutes {
    let store: any StoreLifecycle
    let backendName: String

    func register(on router: Router<AppRequestContext>) {
        router.get("health") { _, _ in
            try await health()
        }
        router.get("ready") { _, _ in
            try await ready()
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

    /// Readiness: 200 only when the store answers and its schema is current.
    func ready() async throws -> Response {
        let status: HTTPResponse.Status
        let readiness: Readiness
        do {
            try await store.checkReady()
            (status, readiness) = (.ok, Readiness(status: "ready", reason: nil))
        } catch {
            (status, readiness) = (.serviceUnavailable, Readiness(status: "not_ready", reason: "\(error)"))
        }
        return try JSONResponse.make(status, readiness)
    }
}
