public import Foundation

/// A throwaway SMTP server on loopback for tests: `scripts/lib/smtp_test_server.py`
/// (aiosmtpd) in a temporary directory, with optional STARTTLS (a fresh self-signed
/// certificate for `localhost` and 127.0.0.1) and AUTH. `scripts/test` installs aiosmtpd
/// when it is missing; under `CI=true` a missing one fails the tests instead of skipping them.
public final class LocalSMTPServer: @unchecked Sendable {
    /// What one accepted message looked like.
    public struct Received: Sendable {
        /// The data as received, dot-stuffing undone.
        public let data: String
        /// `MAIL FROM`.
        public let mailFrom: String
        /// `RCPT TO`s.
        public let recipients: [String]
        /// Whether the session was encrypted (STARTTLS).
        public let tls: Bool
        /// The authenticated user, if any.
        public let login: String?
    }

    /// The port it listens on (127.0.0.1).
    public let port: Int
    /// Its temporary directory (messages, certificate).
    public let directory: URL
    /// The certificate clients must trust (with STARTTLS).
    public var certificateFile: String { directory.appendingPathComponent("cert.pem").path }
    private let process: Process
    private let input: Pipe

    /// Whether the tests can start one: python3 with aiosmtpd and openssl, or `CI=true`
    /// (then a missing one fails).
    public static let available: Bool = {
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
        return (try? run("/usr/bin/env", [python, "-c", "import aiosmtpd"])) == 0 && (try? run("/usr/bin/env", ["openssl", "version"])) == 0
    }()

    /// Why the tests are skipped when ``available`` is false.
    public static let skipNote = "python3 with aiosmtpd and openssl are needed (scripts/test installs aiosmtpd); CI=true makes their absence a failure"

    /// The Python that runs the server (`CHURNGUARD_TEST_PYTHON`, else `python3` on the PATH).
    static var python: String { ProcessInfo.processInfo.environment["CHURNGUARD_TEST_PYTHON"] ?? "python3" }

    /// Starts a server; `tls` turns STARTTLS on, `user`/`password` require AUTH over TLS,
    /// `onlyMechanism` offers PLAIN or LOGIN alone.
    public init(tls: Bool = false, user: String? = nil, password: String? = nil, onlyMechanism: String? = nil) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if tls {
            let status = try Self.run("/usr/bin/env", [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", directory.appendingPathComponent("key.pem").path, "-out", directory.appendingPathComponent("cert.pem").path,
            ])
            guard status == 0 else { throw Failure("openssl could not make a test certificate (status \(status))") }
        }
        port = try Self.freePort()
        var arguments = [Self.script, "--port", "\(port)", "--dir", directory.path]
        if tls {
            arguments += ["--cert", directory.appendingPathComponent("cert.pem").path, "--key", directory.appendingPathComponent("key.pem").path]
        }
        if let user { arguments += ["--user", user, "--password", password ?? ""] }
        if let onlyMechanism { arguments += ["--only-mechanism", onlyMechanism] }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [Self.python] + arguments
        input = Pipe()
        process.standardInput = input
        let log = directory.appendingPathComponent("server.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        for _ in 0..<200 {
            if let text = try? String(contentsOf: log, encoding: .utf8), text.contains("ready \(port)") { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        stop()
        throw Failure("the test SMTP server did not start: \(text.suffix(2000))")
    }

    /// Stops the server and removes its directory.
    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The messages received so far, in order.
    public func received() throws -> [Received] {
        var messages: [Received] = []
        var index = 1
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(index).json").path) {
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("\(index).json"))) as? [String: Any] ?? [:]
            let data = try String(contentsOf: directory.appendingPathComponent("\(index).eml"), encoding: .utf8)
            messages.append(Received(data: data, mailFrom: meta["mail_from"] as? String ?? "", recipients: meta["rcpt_tos"] as? [String] ?? [],
                                     tls: meta["tls"] as? Bool ?? false, login: meta["login"] as? String))
            index += 1
        }
        return messages
    }

    /// Waits up to `seconds` for `count` messages.
    public func waitFor(_ count: Int, seconds: Double = 10) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let messages = try received()
            if messages.count >= count { return messages }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try received()
    }

    /// A port nobody listens on now (bound once by the kernel, then released).
    public static func freePort() throws -> Int {
        let bound = try bindLoopback()
        close(bound.socket)
        return bound.port
    }

    /// A TCP socket bound to a free loopback port and not listening (connections to it are
    /// refused), with its port; the caller closes it.
    public static func bindLoopback() throws -> (socket: Int32, port: Int) {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure("no socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            close(socket)
            throw Failure(bound == 0 ? "getsockname failed" : "bind failed")
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    static var script: String {
        // Sources/SMTPTesting/LocalSMTPServer.swift → the package root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/lib/smtp_test_server.py").path
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A set-up failure, with what went wrong.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
