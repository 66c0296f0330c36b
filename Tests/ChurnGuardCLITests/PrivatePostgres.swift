import Foundation
import Testing

/// A PostgreSQL 15 server that belongs to one test: its own data directory in a temporary
/// folder, its own loopback port, an ordinary owning role and database, so the test may stop,
/// crash and restart it without touching the shared server `scripts/test` starts for the other
/// suites.
///
/// Started like `scripts/lib/postgres.sh` does it: `initdb` and `pg_ctl` from
/// `CHURNGUARD_TEST_PG_BIN` (default `/usr/lib/postgresql/15/bin`), run as the `postgres` user
/// through `runuser` when the tests run as root (PostgreSQL refuses to run as root). Use
/// ``with(_:)``, which always stops the server and removes its folder, even when the body throws.
struct PrivatePostgres: Sendable {
    /// Folder holding `initdb`, `pg_ctl` and `psql`.
    static let binDirectory = ProcessInfo.processInfo.environment["CHURNGUARD_TEST_PG_BIN"].flatMap { $0.isEmpty ? nil : $0 }
        ?? "/usr/lib/postgresql/15/bin"
    /// Whether the PostgreSQL server binaries are installed.
    static let isInstalled = ["initdb", "pg_ctl", "psql"].allSatisfy {
        FileManager.default.isExecutableFile(atPath: binDirectory + "/" + $0)
    }
    /// Whether the tests run under CI, where a server that cannot start is a failure, not a skip.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    /// Whether tests needing a private server run: always under CI, else when the binaries exist.
    static let enabled = isInstalled || isCI
    /// Why they are skipped otherwise.
    static let skipNote = Comment(rawValue: "PostgreSQL 15 binaries (initdb, pg_ctl, psql) not found in \(binDirectory); set CHURNGUARD_TEST_PG_BIN or install postgresql-15 (scripts/test does)")

    /// How `pg_ctl stop` shuts the server down.
    enum StopMode: String, Sendable {
        /// Disconnects the clients, checkpoints and exits cleanly.
        case fast
        /// Kills every server process without a checkpoint, like a crash; the next start runs
        /// crash recovery from the write-ahead log.
        case immediate
    }

    /// A command that failed, with its output and the end of the server log.
    struct CommandError: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let output: String
        var description: String { "`\(command)` exited with \(status):\n\(output)" }
    }

    /// The temporary folder: `data`, `socket`, `server.log`.
    let directory: URL
    /// The loopback TCP port the server listens on (kept across restarts).
    let port: Int
    /// The ordinary owning role (no superuser, no BYPASSRLS) the service connects as.
    let role = "churnguard_outage"
    /// Password of ``role``.
    let password = "churnguard-outage"
    /// The database ``role`` owns.
    let database = "churnguard_outage"

    /// `postgresql://` URL for the service, as the owning role over TCP.
    var url: String { "postgresql://\(role):\(password)@127.0.0.1:\(port)/\(database)" }
    private var dataDirectory: String { directory.appendingPathComponent("data").path }
    private var socketDirectory: String { directory.appendingPathComponent("socket").path }
    private var logFile: String { directory.appendingPathComponent("server.log").path }

    /// Creates, starts and provisions a server, runs `body`, then stops the server
    /// (immediately) and removes its folder, whether `body` returned or threw.
    static func with<T>(_ body: (PrivatePostgres) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-pg-\(UUID().uuidString.prefix(8))")
        let server = PrivatePostgres(directory: directory, port: try freePort())
        do {
            try await server.create()
            let result = try await body(server)
            await server.destroy()
            return result
        } catch {
            await server.destroy()
            throw error
        }
    }

    /// `initdb` (trust on the socket for the superuser, SCRAM over TCP), first start, then the
    /// owning role and its database, as `scripts/lib/postgres.sh` does.
    private func create() async throws {
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        if getuid() == 0 { try Self.chownToPostgres(directory) }
        try await Self.run(asOwner: true, Self.binDirectory + "/initdb", [
            "-D", dataDirectory, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync",
        ])
        try await start()
        _ = try await psql("CREATE ROLE \(role) LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '\(password)'")
        _ = try await psql("CREATE DATABASE \(database) OWNER \(role)")
    }

    /// Starts the server on ``port`` and waits until it accepts connections (after a crash,
    /// until recovery has finished). `fsync=off` only skips flushing to disk, which matters for a
    /// machine crash, not for a killed server: committed transactions are in the WAL either way.
    func start() async throws {
        do {
            try await Self.run(asOwner: true, Self.binDirectory + "/pg_ctl", [
                "-D", dataDirectory, "-l", logFile, "-w", "-t", "60",
                "-o", "-p \(port) -k \(socketDirectory) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
            ])
        } catch let error as CommandError {
            throw CommandError(command: error.command, status: error.status, output: error.output + "\nserver log:\n" + serverLog())
        }
    }

    /// Stops the server with `pg_ctl stop -m MODE` and waits until it has exited.
    func stop(_ mode: StopMode) async throws {
        try await Self.run(asOwner: true, Self.binDirectory + "/pg_ctl", ["-D", dataDirectory, "-m", mode.rawValue, "-w", "-t", "60", "stop"])
    }

    /// Suspends every process of the server with `SIGSTOP`: the kernel still accepts TCP
    /// connections on its port, but nothing answers, like a hung server or a network black
    /// hole. ``thaw()`` resumes them.
    func freeze() throws {
        for pid in serverProcesses() where Foundation.kill(pid, SIGSTOP) != 0 {
            throw CommandError(command: "kill -STOP \(pid)", status: errno, output: String(cString: strerror(errno)))
        }
    }

    /// Resumes the processes ``freeze()`` suspended (harmless when none are).
    func thaw() throws {
        for pid in serverProcesses().reversed() where Foundation.kill(pid, SIGCONT) != 0 {
            throw CommandError(command: "kill -CONT \(pid)", status: errno, output: String(cString: strerror(errno)))
        }
    }

    /// The postmaster (first line of `postmaster.pid`) then its children (from `/proc`);
    /// empty when the server is not running.
    private func serverProcesses() -> [pid_t] {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first, let postmaster = pid_t(first) else { return [] }
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let end = stat.lastIndex(of: ")") else { return nil }
            // `pid (comm) state ppid …`: the parent is the second field after the command name.
            let fields = stat[stat.index(after: end)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == postmaster ? pid : nil
        }
        return [postmaster] + children
    }

    /// Runs SQL as the superuser over the Unix socket and returns `psql -At` output (fields
    /// separated by `|`). Only for the test's own set-up and checks.
    func psql(_ sql: String, database: String = "postgres") async throws -> String {
        try await Self.run(asOwner: true, Self.binDirectory + "/psql", [
            "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory, "-p", String(port), "-U", "postgres", "-d", database, "-c", sql,
        ])
    }

    /// The end of the server log, for failure messages.
    func serverLog(lastLines: Int = 40) -> String {
        let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "(no server log)"
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lastLines).joined(separator: "\n")
    }

    /// Stops the server however it is (ignoring errors: it may already be down) and removes the folder.
    private func destroy() async {
        try? thaw()
        if FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") {
            _ = try? await Self.run(asOwner: true, Self.binDirectory + "/pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Gives the folder to the `postgres` user, which must own the data directory.
    private static func chownToPostgres(_ directory: URL) throws {
        guard let entry = getpwnam("postgres") else {
            throw CommandError(command: "getpwnam(postgres)", status: -1, output: "no `postgres` user to run the server as (running as root)")
        }
        let uid = entry.pointee.pw_uid
        let gid = entry.pointee.pw_gid
        let paths = [directory.path] + ((FileManager.default.subpaths(atPath: directory.path) ?? []).map { directory.path + "/" + $0 })
        for path in paths where chown(path, uid, gid) != 0 {
            throw CommandError(command: "chown \(path)", status: errno, output: String(cString: strerror(errno)))
        }
    }

    /// Runs a program to completion (as `postgres` through `runuser` when `asOwner` and root)
    /// and returns its standard output; throws ``CommandError`` with both streams otherwise,
    /// or when it runs longer than two minutes (it is then killed).
    ///
    /// Not `Foundation.Process`: on Linux it learns that a child exited from end-of-file on a
    /// socket the child inherits, and the server `pg_ctl start` forks inherits that socket too,
    /// so `waitUntilExit` would wait for the server to stop. Here the child is spawned with
    /// every descriptor above standard error closed, output goes to files (no pipe a forked
    /// server could hold open), and the exit is polled with `waitpid(WNOHANG)`, which blocks
    /// no thread.
    @discardableResult
    private static func run(asOwner: Bool, _ executable: String, _ arguments: [String]) async throws -> String {
        let command = asOwner && getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments
            : [executable] + arguments
        let outputs = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-pg-cmd-\(UUID().uuidString)")
        let outPath = outputs.path + ".out"
        let errPath = outputs.path + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let pid = try spawn(command, stdout: outPath, stderr: errPath)
        let deadline = ContinuousClock.now + .seconds(120)
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped == -1 && errno != EINTR {
                throw CommandError(command: command.joined(separator: " "), status: -1, output: "waitpid: \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now > deadline {
                Foundation.kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw CommandError(command: command.joined(separator: " "), status: -1, output: "killed after 120 s")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        // Exited normally with status 0 (the `WIFEXITED`/`WEXITSTATUS` macros are not imported).
        guard status & 0x7f == 0 && (status >> 8) & 0xff == 0 else {
            let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            throw CommandError(command: command.joined(separator: " "), status: code, output: stdout + stderr)
        }
        return stdout
    }

    /// `posix_spawn`s `command` (an absolute path first) with standard input from `/dev/null`,
    /// output to the given files, every other inherited descriptor closed, default signal
    /// handling and an empty signal mask; returns its process id.
    private static func spawn(_ command: [String], stdout: String, stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Descriptors opened without close-on-exec elsewhere in the test process; one that is
        // closed before the spawn is skipped by glibc (EBADF on a close action is ignored).
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for fd in open where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, command[0], &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw CommandError(command: command.joined(separator: " "), status: -1, output: "posix_spawn: \(String(cString: strerror(result)))")
        }
        return pid
    }
}
