import ChurnGuardEngine
import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import Testing

/// Issue #9, defect 7c on the bulk CLI's path: `churnguard ingest` decoded files with
/// U+FFFD replacement before parsing, so ill-formed UTF-8 was stored altered.
@Suite("Bulk ingest refuses ill-formed UTF-8")
struct BulkIngestUTF8Tests {
    func load(_ bytes: [UInt8], ext: String) async throws -> (Result<Int, any Error>, InMemoryStore, OrganizationID) {
        let store = InMemoryStore()
        _ = try await store.migrate()
        let created = try await OrganizationAdmin(store: store).createOrganization(name: "org", tier: .default)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bulk-\(UUID().uuidString).\(ext)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let count = try await BulkIngest(store: store).load(path: path, organization: created.organization.id)
            return (.success(count), store, created.organization.id)
        } catch {
            return (.failure(error), store, created.organization.id)
        }
    }

    @Test("a JSON Lines file with a bad byte in line 2 is refused naming the line and byte; nothing is stored",
          arguments: ["jsonl", "csv"])
    func refused(_ ext: String) async throws {
        let lines: [[UInt8]] = ext == "jsonl"
            ? [Array(#"{"metric_name":"m","timestamp":1795939200,"value":1}"#.utf8),
               Array(#"{"metric_name":"m","timestamp":1795939260,"value":2,"tags":{"k":"a"#.utf8) + [0xFE] + Array(#""}}"#.utf8)]
            : [Array("metric_name,timestamp,value,tags.k".utf8), Array("m,1795939200,1,a".utf8) + [0xC3, 0x28]]
        let bytes = lines[0] + [0x0A] + lines[1] + [0x0A]
        let (result, store, organization) = try await load(bytes, ext: ext)
        guard case .failure(let error) = result else {
            Issue.record("loaded a file with ill-formed UTF-8")
            return
        }
        let service = try #require(error as? ServiceError)
        #expect(service.code == "invalid_utf8")
        let column = lines[1].firstIndex(where: { $0 >= 0x80 }) ?? -1
        #expect(service.message.hasPrefix("line 2: invalid UTF-8 at byte \(column)"), "\(service.message)")
        #expect(try await store.metrics(organization: organization).isEmpty)
    }

    @Test("well-formed multi-byte text loads unchanged")
    func accepted() async throws {
        let line = Array(#"{"metric_name":"m","timestamp":1795939200,"value":1,"tags":{"city":"Zürich"}}"#.utf8)
        let (result, store, organization) = try await load(line + [0x0A], ext: "jsonl")
        #expect(try result.get() == 1)
        #expect(try await store.metrics(organization: organization).first?.points == 1)
    }
}
