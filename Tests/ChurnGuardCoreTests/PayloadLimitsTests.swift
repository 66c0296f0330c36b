import ChurnGuardCore
import Testing

/// Issue #9, defect 3: a 16 MiB body of `{}` became millions of points and problems
/// (2.4 GB) before the batch-size and problem caps applied. The parser now keeps only
/// what the caps need.
@Suite("Ingest parser limits")
struct PayloadLimitsTests {
    func parse(_ bytes: [UInt8], limits: ParseLimits) throws -> ParsedPoints {
        var bytes = bytes
        return try bytes.withUnsafeMutableBytes { try PointPayloadParser.parseBatch(UnsafeRawBufferPointer($0), limits: limits) }
    }

    func emptyObjects(_ count: Int) -> [UInt8] {
        Array(#"{"points":["#.utf8) + Array(repeating: Array("{},".utf8), count: count - 1).flatMap { $0 } + Array("{}]}".utf8)
    }

    @Test("keeps max_batch_points + 1 points and 100 problems of a huge batch")
    func capsPointsAndProblems() throws {
        var validation = ValidationLimits()
        validation.maxBatchPoints = 50
        let parsed = try parse(emptyObjects(200_000), limits: ParseLimits(validation: validation))
        #expect(parsed.points.count == 51)
        #expect(parsed.problems.count == ParseLimits.reportedProblems)
        #expect(parsed.pointsTruncated)
        #expect(parsed.problemsTruncated)
        // The validator still sees a batch over the limit, so the answer does not change.
        #expect(PointValidator(limits: validation).problems(with: parsed.points).first?.field == "points")
    }

    @Test("a batch within the limits is kept whole")
    func withinLimits() throws {
        let parsed = try parse(emptyObjects(5), limits: ParseLimits(validation: ValidationLimits()))
        #expect(parsed.points.count == 5)
        #expect(parsed.problems.count == 15)
        #expect(!parsed.pointsTruncated && !parsed.problemsTruncated)
    }

    @Test("points beyond the cap are still checked: a syntax error or duplicate key there still throws")
    func tailStillChecked() {
        let limits = ParseLimits(maxPoints: 1, maxProblems: 1, maxTagsPerPoint: 1)
        #expect(throws: JSONSyntaxError.self) { try parse(Array(#"{"points":[{},{},{"a":}]}"#.utf8), limits: limits) }
        #expect(throws: JSONSyntaxError.self) { try parse(Array(#"{"points":[{},{},{"a":1,"a":2}]}"#.utf8), limits: limits) }
    }

    @Test("keeps max_tags + 1 tags of a point with very many")
    func capsTags() throws {
        let tags = (0..<5000).map { #""k\#($0)":"v""# }.joined(separator: ",")
        let body = #"{"points":[{"metric_name":"m","timestamp":0,"value":1,"tags":{\#(tags)}}]}"#
        let validation = ValidationLimits()
        let parsed = try parse(Array(body.utf8), limits: ParseLimits(validation: validation))
        #expect(parsed.points.first?.tags.count == validation.maxTags + 1)
        let problems = PointValidator(limits: validation).problems(with: parsed.points[0], index: 0)
        #expect(problems.map(\.field) == ["tags"])
    }

    @Test("unbounded limits keep everything, as before")
    func unbounded() throws {
        let parsed = try parse(emptyObjects(20_000), limits: .unbounded)
        #expect(parsed.points.count == 20_000)
        #expect(parsed.problems.count == 60_000)
    }
}
