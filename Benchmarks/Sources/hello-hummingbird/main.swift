// The reference for scripts/bench-auth: a bare Hummingbird server answering the same small
// JSON body as an authenticated `GET /api/v1/analytics/metrics` of an empty organization,
// with no middleware, built with the same flags. Usage: hello-hummingbird PORT
import Hummingbird

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8080 : 8080
let router = Router()
router.get("api/v1/analytics/metrics") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"metrics":[]}"#)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "hello"))
try await app.runService()
