import Foundation
import Testing

/// Runs the built `churnguard` binary in a scratch working directory, as a user would.
struct CLIHarness {
    let directory: URL
    /// Variables selecting the storage backend (empty: the embedded SQLite default).
    var backendEnvironment: [String: String] = [:]

    /// The executable next to the test bundle in the build folder.
    static var binary: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("churnguard")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/churnguard")
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        /// Standard output parsed as one JSON object.
        var json: [String: Any] {
            get throws {
                try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "stdout: \(stdout) stderr: \(stderr)")
            }
        }
    }

    /// Runs `body` with a fresh scratch directory, removed afterwards.
    static func with<T>(_ body: (CLIHarness) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(CLIHarness(directory: url))
    }

    /// Runs `body` with a fresh scratch directory and a fresh store of `backend`; with
    /// `migrated`, the schema is created first (SQLite creates it on open anyway).
    static func with(backend: CLIBackend, migrated: Bool = true, _ body: (CLIHarness) async throws -> Void) async throws {
        try await backend.withEnvironment { variables in
            try await with { plain in
                var cli = plain
                cli.backendEnvironment = variables
                if migrated && backend != .sqlite {
                    let result = try await cli.run(["migrate"])
                    try #require(result.status == 0, "migrate failed: \(result.stderr)")
                }
                try await body(cli)
            }
        }
    }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("API_") || key.hasPrefix("SQLITE") || key == "ANALYTICS_DB_BACKEND"
            || key == "JWT_SECRET_KEY" || key == "DEBUG" { environment[key] = nil }
        environment["SQLITE_PATH"] = directory.appendingPathComponent("data/churnguard.sqlite").path
        environment["LOG_LEVEL"] = "warning"
        // The command tests post far more than the default tier's 1000 requests an hour;
        // rate limits have their own tests (RateLimitTests).
        environment["API_RATE_LIMITS_DEFAULT"] = "100000000/hour"
        return environment.merging(backendEnvironment) { $1 }
    }

    /// Starts the binary; the caller waits or signals it.
    func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment.merging(extra) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs to completion and captures both streams.
    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Result {
        let (process, out, err) = try start(arguments, environment: extra)
        // The blocking reads and the wait run on threads of their own: on the cooperative pool
        // (two threads on a 2-core machine) they would stall every other test meanwhile.
        async let stdout = Self.offPool { out.fileHandleForReading.readDataToEndOfFile() }
        async let stderr = Self.offPool { err.fileHandleForReading.readDataToEndOfFile() }
        let (outData, errData) = await (stdout, stderr)
        let status = await Self.offPool { () -> Int32 in
            process.waitUntilExit()
            return process.terminationStatus
        }
        return Result(status: status, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs blocking `body` on a new thread and returns its result.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Writes a file in the scratch directory and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

/// A TCP port that was free a moment ago on the loopback interface.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    try #require(bound == 0)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
