@testable import ChurnGuardAPI
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #9, defect 7a: a response whose encoding failed was answered `200 {}`.
@Suite("JSON responses never pretend success")
struct JSONResponseTests {
    struct Bucket: Encodable {
        let sum: Double
    }

    @Test("encoding a non-finite Double throws instead of producing a body")
    func throwsOnNonFinite() {
        #expect(throws: ResponseEncodingError.self) { try JSONResponse.make(.ok, Bucket(sum: .infinity)) }
        #expect(throws: ResponseEncodingError.self) { try JSONResponse.make(.ok, [Bucket(sum: 1), Bucket(sum: .nan)]) }
    }

    @Test("the error middleware answers an encoding failure 500 with the error shape")
    func answered500() async throws {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.get("overflow") { _, _ in try JSONResponse.make(.ok, Bucket(sum: .infinity)) }
        router.get("fine") { _, _ in try JSONResponse.make(.ok, Bucket(sum: 2.5)) }
        try await Application(router: router).test(.router) { client in
            let failed = try await client.execute(uri: "/overflow", method: .get)
            #expect(failed.status == .internalServerError)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: failed.body)) as? [String: Any])
            let error = try #require(body["error"] as? [String: Any])
            #expect(error["code"] as? String == "internal_error")
            #expect(error["details"] as? [Any] != nil)
            let fine = try await client.execute(uri: "/fine", method: .get)
            #expect(fine.status == .ok)
            #expect(String(buffer: fine.body) == #"{"sum":2.5}"#)
        }
    }
}
