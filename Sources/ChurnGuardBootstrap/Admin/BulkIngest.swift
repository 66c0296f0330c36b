public import ChurnGuardCore
public import ChurnGuardStorage
import Crypto
import Foundation

/// Loads a CSV or JSON Lines file into the store for `churnguard ingest`.
///
/// The whole file is validated first, so a bad line stops the load before anything is
/// written (and the error names the line); then points are committed in chunks of
/// `chunkSize`, one transaction each. The format is chosen by extension (`.jsonl`,
/// `.ndjson` → JSON Lines) or, failing that, by the first character (`{` → JSON Lines).
public struct BulkIngest: Sendable {
    let store: any MetricStore
    let validator: PointValidator
    let chunkSize: Int

    /// Creates a loader.
    public init(store: any MetricStore, limits: ValidationLimits = ValidationLimits(), chunkSize: Int = 20_000) {
        self.store = store
        self.validator = PointValidator(limits: limits)
        self.chunkSize = chunkSize
    }

    /// What a load did.
    public struct Result: Sendable, Equatable {
        /// Points stored by this run.
        public var stored: Int
        /// Points skipped because an earlier run with the same idempotency key stored them.
        public var alreadyStored: Int
    }

    /// Loads `path` for `organization`, calling `progress(done, total)` after each chunk.
    ///
    /// With `idempotencyKey`, each chunk is stored under `KEY#<chunk>` with the file's
    /// SHA-256, so running the same command again after a failure (or twice) stores every
    /// point exactly once; the same key with another file is refused.
    /// - Throws: ``ServiceError`` naming the first bad line (nothing is stored then), or a
    ///   reused key.
    public func load(path: String, organization: OrganizationID, idempotencyKey: String? = nil,
                     progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Result {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceError(.notFound, code: "file_not_found", message: "cannot read \(path)")
        }
        let text = try Self.decodeUTF8(data)
        let points = try parse(text, jsonLines: Self.isJSONLines(path: path, text: text))
        let fileHash = Array(SHA256.hash(data: data))
        var result = Result(stored: 0, alreadyStored: 0)
        var done = 0
        var index = 0
        while done < points.count {
            let chunk = Array(points[done..<min(done + chunkSize, points.count)])
            let claim = idempotencyKey.map { IdempotencyClaim(key: "\($0)#\(index)", bodyHash: fileHash) }
            let outcome = try await store.append([PointBatch(organization: organization, points: chunk, idempotency: claim)]).first
            switch outcome {
            case .replayed: result.alreadyStored += chunk.count
            case .keyReused:
                throw ServiceError(.validation, code: "idempotency_key_reused",
                                   message: "--idempotency-key \(idempotencyKey ?? "") was used with another file; nothing more was stored")
            case .stored, nil: result.stored += chunk.count
            }
            done += chunk.count
            index += 1
            progress(done, points.count)
        }
        return result
    }

    /// Parses and validates every line.
    func parse(_ text: String, jsonLines: Bool) throws(ServiceError) -> [MetricPoint] {
        var points: [MetricPoint] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().makeIterator()
        var csv: CSVPointReader?
        if !jsonLines {
            guard let header = lines.next() else { return [] }
            csv = try CSVPointReader(header: header.element, validator: validator)
        }
        while let (offset, line) = lines.next() {
            let lineNumber = offset + 1
            if line.allSatisfy({ $0 == " " || $0 == "\r" || $0 == "\t" }) { continue }
            let point: MetricPoint
            if let csv {
                point = try csv.point(from: line, lineNumber: lineNumber)
            } else {
                point = try Self.jsonPoint(line, lineNumber: lineNumber)
            }
            if let problem = validator.problems(with: point, index: nil).first {
                throw ServiceError(.validation, code: "invalid_point",
                                   message: "line \(lineNumber): \(problem.field): \(problem.message)")
            }
            points.append(point)
        }
        return points
    }

    static func jsonPoint(_ line: Substring, lineNumber: Int) throws(ServiceError) -> MetricPoint {
        var bytes = Array(line.utf8)
        let parsed: ParsedPoints
        do {
            parsed = try bytes.withUnsafeMutableBytes { buffer throws(JSONSyntaxError) in
                try PointPayloadParser.parsePoint(UnsafeRawBufferPointer(buffer), index: lineNumber)
            }
        } catch let error as JSONSyntaxError {
            throw ServiceError(.validation, code: "invalid_json", message: "line \(lineNumber): \(error.message) at byte \(error.offset)")
        } catch {
            throw ServiceError(.validation, code: "invalid_json", message: "line \(lineNumber): \(error)")
        }
        if let problem = parsed.problems.first {
            throw ServiceError(.validation, code: "invalid_point", message: "line \(lineNumber): \(problem.field): \(problem.message)")
        }
        guard let point = parsed.points.first else {
            throw ServiceError(.validation, code: "invalid_point", message: "line \(lineNumber): no point")
        }
        return point
    }

    /// The file as text; ill-formed UTF-8 is refused naming its line and byte, never
    /// replaced with U+FFFD (which would store something the file does not say).
    static func decodeUTF8(_ data: Data) throws(ServiceError) -> String {
        let invalid = data.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0.bindMemory(to: UInt8.self)) }
        guard let offset = invalid else { return String(decoding: data, as: UTF8.self) }
        let before = data.prefix(offset)
        let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? data.startIndex
        throw ServiceError(.validation, code: "invalid_utf8",
                           message: "line \(line): invalid UTF-8 at byte \(offset - (lineStart - data.startIndex)) (byte \(offset) of the file)")
    }

    static func isJSONLines(path: String, text: String) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return true }
        if lower.hasSuffix(".csv") { return false }
        return text.drop(while: { $0.isWhitespace }).first == "{"
    }
}
