import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A local HTTP server standing in for Slack and for a customer's webhook receiver: records
/// every request and answers from a script (a status, or a status after a delay).
final class WebhookReceiver: Sendable {
    /// One request as received.
    struct Received: Sendable {
        let path: String
        let headers: [String: String]
        let body: [UInt8]

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:] }
    }

    /// How to answer one request.
    enum Answer: Sendable {
        case status(Int)
        case slow(Duration, status: Int)
    }

    struct State {
        var script: [Answer] = []
        var received: [Received] = []
        var port: Int?
    }

    final class Box: Sendable {
        let mutex = Mutex(State())
        func withLock<T: Sendable>(_ body: (inout State) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    let state = Box()
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts on `port` (0: any free port) and answers `script` in order, then 200.
    init(port: Int = 0, script: [Answer] = []) async throws {
        let state = self.state
        state.withLock { $0.script = script }
        let router = Router()
        router.post("**") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = state.withLock { state -> Answer in
                state.received.append(Received(path: request.uri.path, headers: headers, body: Array(buffer: body)))
                return state.script.isEmpty ? .status(200) : state.script.removeFirst()
            }
            switch answer {
            case .status(let code):
                return Response(status: HTTPResponse.Status(code: code), body: ResponseBody(byteBuffer: ByteBuffer(string: "ok \(code)")))
            case .slow(let delay, let code):
                try await Task.sleep(for: delay)
                return Response(status: HTTPResponse.Status(code: code))
            }
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .error
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                                      onServerRunning: { channel in state.withLock { $0.port = channel.localAddress?.port } },
                                      logger: logger)
        group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let group = self.group
        task = Task { try await group.run() }
        for _ in 0..<400 where state.withLock({ $0.port }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        guard state.withLock({ $0.port }) != nil else { throw CancellationError() }
    }

    /// The port it listens on.
    var port: Int { state.withLock { $0.port ?? 0 } }
    /// Its address for `path`.
    func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }
    /// Requests so far.
    var received: [Received] { state.withLock { $0.received } }

    /// Stops the server.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
