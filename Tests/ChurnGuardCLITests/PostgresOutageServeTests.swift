import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The PostgreSQL outage check, end to end over HTTP against the real `churnguard serve`:
/// with its private PostgreSQL stopped, ingest answers 503 within a bound (it never hangs),
/// `/ready` answers 503 and `/health` stays 200; once PostgreSQL is back the same process
/// recovers without a restart, and every point it acknowledged is stored exactly once.
///
/// Three outages in a row on one `serve` process: `pg_ctl stop -m fast` (clean shutdown),
/// `-m immediate` (a crash; the restart runs crash recovery) and a frozen server (every
/// process stopped with `SIGSTOP`: connections are accepted but nothing answers, where only
/// the service's own timeout prevents a hang). Clients keep posting across all three.
@Suite("serve through PostgreSQL outages")
struct PostgresOutageServeTests {
    /// The service's `DATABASE_QUERY_TIMEOUT` in seconds.
    static let queryTimeout = 2
    /// Longest acceptable answer during an outage: the timeout plus generous slack, because
    /// CI shares two cores with other builds. Anything longer counts as a hang.
    static let noHangBound: Duration = .seconds(30)
    /// Longest acceptable wait for ingest to succeed again once PostgreSQL accepts connections.
    static let recoveryBound: Duration = .seconds(60)
    /// The metric every test point is written to.
    static let metric = "outage_probe"

    @Test("stop, crash and freeze PostgreSQL under load: 503 without hanging, /ready 503, /health 200, recovery without restart, no acknowledged point lost",
          .enabled(if: PrivatePostgres.enabled, PrivatePostgres.skipNote), .timeLimit(.minutes(5)))
    func stopAndStartUnderLoad() async throws {
        try await PrivatePostgres.with { postgres in
            try await CLIHarness.with { cli in
                try await run(postgres: postgres, cli: cli)
            }
        }
    }

    /// The four phases: ingest, outages (each kind in turn) with recovery, more ingest, read-back.
    private func run(postgres: PrivatePostgres, cli: CLIHarness) async throws {
        let environment = [
            "ANALYTICS_DB_BACKEND": "postgres", "TIMESCALEDB_URL": postgres.url,
            "DATABASE_QUERY_TIMEOUT": String(Self.queryTimeout), "DATABASE_CONNECTION_TIMEOUT": "1",
        ]
        let migrated = try await cli.run(["migrate"], environment: environment)
        try #require(migrated.status == 0, "migrate failed: \(migrated.stderr)")
        let created = try await cli.run(["org", "create", "outage-check"], environment: environment)
        try #require(created.status == 0, "org create failed: \(created.stderr)")
        let key = try #require(try created.json["api_key"] as? String)

        let serve = try ServeProcess(cli: cli, environment: environment, port: try freePort())
        defer { serve.kill() }
        let client = OutageClient(base: "http://127.0.0.1:\(serve.port)", key: key)
        let ledger = IngestLedger()
        try await waitUntilReady(client, serve: serve)

        // Phase 1: the healthy service acknowledges every batch.
        for _ in 0..<5 {
            let reply = await client.ingest(ledger: ledger, count: 50, phase: "before")
            #expect(reply.status == 200, "healthy ingest: \(reply.summary)\n\(serve.logTail())")
        }

        // Phases 2 and 3, twice: outage under load, then recovery without restarting serve.
        for mode in [Outage.stop(.fast), .stop(.immediate), .freeze] {
            let phase = "outage-\(mode)"
            let posters = (0..<3).map { _ in Task { await client.postUntilStopped(ledger: ledger, phase: phase) } }
            try await Task.sleep(for: .milliseconds(300))  // the posters are mid-stream when PostgreSQL goes

            try await mode.begin(postgres)
            async let ingestReply = client.ingest(ledger: ledger, count: 10, phase: phase)
            async let readyReply = client.send("/ready")
            async let healthReply = client.send("/health")
            let (ingest, ready, health) = await (ingestReply, readyReply, healthReply)
            #expect(ingest.status == 503, "ingest with PostgreSQL stopped (\(mode)): \(ingest.summary)")
            #expect(ingest.errorCode != nil, "503 without a JSON error body: \(ingest.summary)")
            #expect(ingest.elapsed < Self.noHangBound, "ingest took \(ingest.elapsed) with PostgreSQL stopped (\(mode))")
            #expect(ready.status == 503, "/ready with PostgreSQL stopped (\(mode)): \(ready.summary)")
            #expect(ready.elapsed < Self.noHangBound, "/ready took \(ready.elapsed)")
            #expect(health.status == 200, "/health with PostgreSQL stopped (\(mode)): \(health.summary)")
            #expect(health.json?["services"].flatMap { ($0 as? [String: Any])?["database"] as? String } == "unhealthy",
                    "/health should report the database unhealthy: \(health.summary)")
            #expect(health.elapsed < Self.noHangBound, "/health took \(health.elapsed)")
            await ledger.note("\(mode): first ingest 503 after \(ingest.elapsed), /ready \(ready.elapsed), /health \(health.elapsed)")

            try await mode.end(postgres)
            let recovered = ContinuousClock.now
            var back = false
            while !back && ContinuousClock.now - recovered < Self.recoveryBound {
                let reply = await client.ingest(ledger: ledger, count: 10, phase: "recovery-\(mode)")
                back = reply.status == 200
                if !back { try await Task.sleep(for: .milliseconds(200)) }
            }
            let recoveryTime = ContinuousClock.now - recovered
            try #require(back, "ingest did not recover within \(Self.recoveryBound) of PostgreSQL restarting (\(mode))\n\(serve.logTail())")
            #expect(await client.send("/ready").status == 200, "/ready after recovery (\(mode))")
            await ledger.note("\(mode): ingest acknowledged again \(recoveryTime) after PostgreSQL accepted connections")

            await ledger.stopPosters()
            for poster in posters { await poster.value }
            await ledger.resumePosters()
        }

        // Every answer while PostgreSQL was down or coming back was a 2xx or a quick 503.
        let outcomes = await ledger.outcomes
        for outcome in outcomes {
            #expect(outcome.status == 200 || outcome.status == 503,
                    "unexpected answer in \(outcome.phase): \(outcome.status.map(String.init) ?? "none") after \(outcome.elapsed): \(outcome.detail)")
            #expect(outcome.elapsed < Self.noHangBound, "a request in \(outcome.phase) took \(outcome.elapsed)")
        }
        let refusedDuringOutage = outcomes.filter { $0.phase.hasPrefix("outage") && $0.status == 503 }.count
        #expect(refusedDuringOutage > 0, "the posters never saw a 503")

        // Phase 3 continued: more ingest on the recovered service.
        for _ in 0..<5 {
            let reply = await client.ingest(ledger: ledger, count: 50, phase: "after")
            #expect(reply.status == 200, "ingest after recovery: \(reply.summary)")
        }

        // Phase 4: every acknowledged point is stored exactly once, read back through the API.
        let stored = try await client.readAllValues(metric: Self.metric)
        let storedCounts = Dictionary(stored.map { ($0, 1) }, uniquingKeysWith: +)
        let acknowledged = await ledger.acknowledged
        let attempted = await ledger.attempted
        let lost = acknowledged.filter { storedCounts[$0] == nil }
        let duplicated = storedCounts.filter { $0.value > 1 }.keys.sorted()
        let unknown = Set(storedCounts.keys).subtracting(attempted)
        #expect(lost.isEmpty, "\(lost.count) acknowledged points are missing, e.g. \(lost.prefix(10))")
        #expect(duplicated.isEmpty, "\(duplicated.count) values are stored more than once, e.g. \(duplicated.prefix(10))")
        #expect(unknown.isEmpty, "stored values nobody sent: \(unknown.sorted().prefix(10))")
        // Refused (503) batches may or may not be stored: a commit can succeed on the server
        // while its answer is lost in the crash. They were never acknowledged, so either is fine.
        let unacknowledgedStored = Set(storedCounts.keys).subtracting(acknowledged).count
        // The superuser's count (past row-level security) agrees with what the API returned.
        let total = try await postgres.psql("SELECT count(*) FROM time_series_data WHERE metric_name = '\(Self.metric)'",
                                            database: postgres.database)
        #expect(total.trimmingCharacters(in: .whitespacesAndNewlines) == String(stored.count), "psql count \(total) vs API \(stored.count)")

        // The service stops cleanly on SIGTERM.
        let exitStatus = await serve.terminate()
        #expect(exitStatus == 0, "serve exit status after SIGTERM: \(exitStatus.map(String.init) ?? "still running")\n\(serve.logTail())")

        let notes = await ledger.notes
        let summary = "acknowledged \(acknowledged.count) points, stored \(stored.count) (\(unacknowledgedStored) of them from refused batches), "
            + "\(outcomes.count) requests across the outages, \(refusedDuringOutage) answered 503 while PostgreSQL was down; "
            + "slowest \(outcomes.map(\.elapsed).max() ?? .zero)"
        print("PostgreSQL outage check: " + (notes + [summary]).joined(separator: "; "))
    }

    /// Waits until `/ready` answers 200 (serve has started and reached PostgreSQL).
    private func waitUntilReady(_ client: OutageClient, serve: ServeProcess) async throws {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(60) {
            if await client.send("/ready").status == 200 { return }
            try #require(serve.isRunning, "serve exited during start-up\n\(serve.logTail())")
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("serve did not become ready within 60 s\n\(serve.logTail())")
        throw CancellationError()
    }
}

/// One way PostgreSQL goes away, and how it comes back.
enum Outage: CustomStringConvertible {
    /// `pg_ctl stop -m MODE`, then `pg_ctl start` on the same port and data directory.
    case stop(PrivatePostgres.StopMode)
    /// `SIGSTOP` to every server process, then `SIGCONT`.
    case freeze

    var description: String {
        switch self {
        case .stop(let mode): mode.rawValue
        case .freeze: "frozen"
        }
    }

    /// Takes the server away.
    func begin(_ postgres: PrivatePostgres) async throws {
        switch self {
        case .stop(let mode): try await postgres.stop(mode)
        case .freeze: try postgres.freeze()
        }
    }

    /// Brings it back; returns once it accepts connections again.
    func end(_ postgres: PrivatePostgres) async throws {
        switch self {
        case .stop: try await postgres.start()
        case .freeze: try postgres.thaw()
        }
    }
}

/// `churnguard serve --no-worker` on a loopback port, its output written to files (not pipes,
/// which would fill up and block the service's logging when nobody reads them).
final class ServeProcess: Sendable {
    /// The port it listens on.
    let port: Int
    private let process: Process
    private let logURL: URL

    /// Starts the binary with the harness environment plus `environment`.
    init(cli: CLIHarness, environment: [String: String], port: Int) throws {
        self.port = port
        logURL = cli.directory.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = CLIHarness.binary
        process.arguments = ["serve", "--no-worker", "--host", "127.0.0.1", "--port", String(port)]
        process.currentDirectoryURL = cli.directory
        process.environment = cli.environment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()
        self.process = process
    }

    /// Whether the process is still running.
    var isRunning: Bool { process.isRunning }

    /// Sends SIGTERM and waits (up to 15 s) for the exit; its status, or `nil` if still running.
    func terminate() async -> Int32? {
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(15)
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills the process if it still runs (clean-up after a failed test).
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    /// The last lines the service logged, for failure messages.
    func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return "serve log (last \(lines) lines):\n" + text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// One HTTP answer (or its absence) and how long it took.
struct OutageReply: Sendable {
    /// HTTP status, `nil` when no answer came (connection error or client timeout).
    let status: Int?
    /// The body.
    let body: Data
    /// Time from sending to the complete answer (or the failure).
    let elapsed: Duration
    /// The transport error, if any.
    let failure: String?

    /// The body as a JSON object, if it is one.
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    /// `error.code` of the API's JSON error body.
    var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
    /// For failure messages.
    var summary: String {
        "status \(status.map(String.init) ?? "none") after \(elapsed): \(failure ?? String(decoding: body.prefix(300), as: UTF8.self))"
    }
}

/// What the test's clients sent and what the service answered: every value is unique, so the
/// read-back can tell lost and duplicated points apart. Also holds the posters' stop flag.
actor IngestLedger {
    /// One ingest request's outcome.
    struct Outcome: Sendable {
        let phase: String
        let status: Int?
        let elapsed: Duration
        let detail: String
    }

    private var nextValue = 0
    private var stopping = false
    /// Values of every point sent.
    private(set) var attempted: Set<Int> = []
    /// Values of the points in batches answered 200, in order.
    private(set) var acknowledged: [Int] = []
    /// Ingest requests sent during and right after the outages.
    private(set) var outcomes: [Outcome] = []
    /// Measurements for the final report.
    private(set) var notes: [String] = []

    /// Reserves `count` fresh values.
    func reserve(_ count: Int) -> Range<Int> {
        defer { nextValue += count }
        let values = nextValue..<(nextValue + count)
        attempted.formUnion(values)
        return values
    }

    /// Records an answer for the batch of `values`.
    func record(_ values: Range<Int>, reply: OutageReply, phase: String) {
        if reply.status == 200 { acknowledged.append(contentsOf: values) }
        if phase.hasPrefix("outage") || phase.hasPrefix("recovery") {
            outcomes.append(Outcome(phase: phase, status: reply.status, elapsed: reply.elapsed, detail: reply.summary))
        }
    }

    /// Adds a measurement to the report.
    func note(_ text: String) { notes.append(text) }
    /// Whether the posters keep going.
    var postersRun: Bool { !stopping }
    /// Asks the posters to stop after their current request.
    func stopPosters() { stopping = true }
    /// Lets the next posters run.
    func resumePosters() { stopping = false }
}

/// The API as a client sees it, with the test's API key.
struct OutageClient: Sendable {
    let base: String
    let key: String

    /// A session whose request timeout is far above ``PostgresOutageServeTests/noHangBound``,
    /// so a hang shows as a measured duration, not as a client-side timeout.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 90
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration)
    }()

    /// Sends one request and measures it; never throws (a transport failure is an answer too).
    func send(_ path: String, method: String = "GET", body: Data? = nil) async -> OutageReply {
        guard let url = URL(string: base + path) else {
            return OutageReply(status: nil, body: Data(), elapsed: .zero, failure: "bad URL \(path)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 90
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        let started = ContinuousClock.now
        do {
            let (data, response) = try await Self.session.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode
            return OutageReply(status: status, body: data, elapsed: ContinuousClock.now - started, failure: nil)
        } catch {
            return OutageReply(status: nil, body: Data(), elapsed: ContinuousClock.now - started, failure: "\(error)")
        }
    }

    /// Posts `count` fresh points (one second apart, the value is the point's unique number)
    /// and records the answer in `ledger`.
    @discardableResult
    func ingest(ledger: IngestLedger, count: Int, phase: String) async -> OutageReply {
        let values = await ledger.reserve(count)
        let base = 1_795_939_200  // 2026-11-29; any time works, the default partition stores it
        let points = values.map {
            #"{"metric_name":"\#(PostgresOutageServeTests.metric)","timestamp":\#(base + $0),"value":\#($0),"tags":{"phase":"\#(phase)"}}"#
        }
        let reply = await send("/api/v1/analytics/metrics", method: "POST", body: Data(#"{"points":[\#(points.joined(separator: ","))]}"#.utf8))
        await ledger.record(values, reply: reply, phase: phase)
        return reply
    }

    /// Posts small batches back to back until ``IngestLedger/stopPosters()``.
    func postUntilStopped(ledger: IngestLedger, phase: String) async {
        while await ledger.postersRun {
            await ingest(ledger: ledger, count: 10, phase: phase)
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Every stored value of `metric`, read page by page through the points API.
    func readAllValues(metric: String) async throws -> [Int] {
        var values: [Int] = []
        var cursor: String?
        repeat {
            var path = "/api/v1/analytics/metrics/\(metric)/points?limit=10000"
            if let cursor { path += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor) }
            let reply = await send(path)
            try #require(reply.status == 200, "reading points: \(reply.summary)")
            let json = try #require(reply.json)
            let points = try #require(json["points"] as? [[String: Any]])
            values += points.compactMap { ($0["value"] as? Double).map { Int($0) } }
            cursor = json["next_cursor"] as? String
        } while cursor != nil
        return values
    }
}
