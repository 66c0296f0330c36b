import ChurnGuardFuzzTargets
import Foundation
import Testing

/// The committed fuzzing corpus (`Fuzz/corpus/<target>/`: the seeds, and every input a fuzzing
/// run found that broke a parser, kept as a regression) replayed through the same checks.
@Suite("Fuzz corpus replay")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")

    @Test("every corpus input passes its target's checks", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let folder = Self.corpus.appendingPathComponent(target.rawValue)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!files.isEmpty, "\(target.rawValue) has seeds")
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            #expect(throws: Never.self, "\(target.rawValue)/\(file)") { try data.withUnsafeBytes { bytes in try target.run(bytes) } }
        }
    }
}
