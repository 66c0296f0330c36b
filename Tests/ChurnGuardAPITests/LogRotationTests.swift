import ChurnGuardBootstrap
import Foundation
import Testing

/// `logging.file` with size-based rotation: no line is lost, split or duplicated, files stay
/// within the size, and only `backup_count` rotated files are kept.
@Suite struct LogRotationTests {
    static func withDirectory(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-logs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }

    /// The lines of `path` and of its rotated files, oldest first.
    static func lines(_ path: String, backups: Int) throws -> [[String]] {
        var files: [[String]] = []
        for index in stride(from: backups, through: 0, by: -1) {
            let name = index == 0 ? path : "\(path).\(index)"
            guard let text = try? String(contentsOfFile: name, encoding: .utf8) else { continue }
            #expect(text.isEmpty || text.hasSuffix("\n"), "\(name) ends mid-line")
            files.append(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
        }
        return files
    }

    @Test func concurrentWritersNeverLoseOrSplitALine() async throws {
        try await Self.withDirectory { directory in
            let path = directory.appendingPathComponent("nested/app.log").path
            let sink = try RotatingFileSink(path: path, maxBytes: 4096, backupCount: 1000)
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for index in 0..<250 {
                            sink.write("{\"writer\":\(writer),\"index\":\(index),\"pad\":\"\(String(repeating: "x", count: index % 97))\"}\n")
                        }
                    }
                }
            }
            let files = try Self.lines(path, backups: 1000)
            #expect(files.count > 10, "the files rotated")
            var seen = Set<String>()
            for file in files {
                #expect(file.reduce(0) { $0 + $1.utf8.count + 1 } <= 4096)
                for line in file {
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "split line: \(line)")
                    let key = "\(object["writer"] ?? "")-\(object["index"] ?? "")"
                    #expect(seen.insert(key).inserted, "line \(key) written twice")
                }
            }
            #expect(seen.count == 8 * 250)
        }
    }

    @Test func keepsOnlyBackupCountFilesAndTheNewestLines() async throws {
        try await Self.withDirectory { directory in
            let path = directory.appendingPathComponent("app.log").path
            let sink = try RotatingFileSink(path: path, maxBytes: 100, backupCount: 2)
            for index in 0..<40 { sink.write("line \(String(format: "%03d", index)) \(String(repeating: "-", count: 30))\n") }
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(names == ["app.log", "app.log.1", "app.log.2"])
            let kept = try Self.lines(path, backups: 2).flatMap { $0 }
            // Two 40-byte lines per file: the newest six lines survive, in order.
            #expect(kept == (34..<40).map { "line \(String(format: "%03d", $0)) \(String(repeating: "-", count: 30))" })
        }
    }

    @Test func aLineLongerThanTheLimitIsWrittenWholeInAFileOfItsOwn() async throws {
        try await Self.withDirectory { directory in
            let path = directory.appendingPathComponent("app.log").path
            let sink = try RotatingFileSink(path: path, maxBytes: 64, backupCount: 3)
            sink.write("short\n")
            let long = String(repeating: "y", count: 200)
            sink.write(long + "\n")
            sink.write("after\n")
            #expect(try Self.lines(path, backups: 3) == [["short"], [long], ["after"]])
        }
    }

    @Test func reopeningAppendsAndCountsTheExistingSize() async throws {
        try await Self.withDirectory { directory in
            let path = directory.appendingPathComponent("app.log").path
            do {
                let first = try RotatingFileSink(path: path, maxBytes: 20, backupCount: 1)
                first.write("0123456789\n")
            }
            let second = try RotatingFileSink(path: path, maxBytes: 20, backupCount: 1)
            second.write("abcdefghij\n")
            #expect(try Self.lines(path, backups: 1) == [["0123456789"], ["abcdefghij"]])
        }
    }

    @Test func anUnwritablePathIsRefusedAtStartUp() throws {
        #expect(throws: (any Error).self) {
            _ = try RotatingFileSink(path: "/proc/churnguard-cannot-write/app.log", maxBytes: 100, backupCount: 1)
        }
    }
}
