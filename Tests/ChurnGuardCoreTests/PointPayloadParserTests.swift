import ChurnGuardCore
import Foundation
import Testing

@Suite("Ingest payload parser")
struct PointPayloadParserTests {
    func parse(_ json: String) throws -> ParsedPoints {
        var bytes = Array(json.utf8)
        return try bytes.withUnsafeMutableBytes { try PointPayloadParser.parseBatch(UnsafeRawBufferPointer($0)) }
    }

    @Test("reads every field of a well-formed batch")
    func wellFormed() throws {
        let parsed = try parse("""
            {"points": [
              {"metric_name": "churn_risk_score", "timestamp": "2026-11-29T08:00:00Z", "value": 0.82,
               "tags": {"customer_id": "c-42", "segment": "smb"}, "metadata": {"source": "crm", "ids": [1, 2]}},
              {"metric_name": "logins", "timestamp": 1795939200.5, "value": -3, "extra": {"ignored": true}}
            ], "client": "sdk"}
            """)
        #expect(parsed.problems.isEmpty)
        #expect(parsed.points.count == 2)
        #expect(parsed.points[0] == MetricPoint(
            metricName: "churn_risk_score", timestamp: Timestamp(microseconds: 1_795_939_200_000_000), value: 0.82,
            tags: ["customer_id": "c-42", "segment": "smb"], metadataJSON: #"{"source": "crm", "ids": [1, 2]}"#))
        #expect(parsed.points[1].timestamp.microseconds == 1_795_939_200_500_000)
        #expect(parsed.points[1].value == -3)
        #expect(parsed.points[1].tags.isEmpty)
    }

    @Test("decodes string escapes, including surrogate pairs")
    func escapes() throws {
        let parsed = try parse(#"{"points":[{"metric_name":"m","timestamp":0,"value":1,"tags":{"k":"a\"b\\c\/d\n\u00e9\ud83d\ude00"}}]}"#)
        #expect(parsed.points.first?.tags["k"] == "a\"b\\c/d\né😀")
    }

    @Test("numbers equal the standard library's correctly rounded parse")
    func numbers() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "0.1", "123456789012345", "1.7976931348623157e308", "5e-324", "2.5E+3", "0.30000000000000004",
                     "9007199254740993", "1234567.8901234567"]
        for _ in 0..<500 { texts.append(String(Double.random(in: -1e6...1e6, using: &generator))) }
        for _ in 0..<500 { texts.append(String(format: "%.6f", Double.random(in: 0...1000, using: &generator))) }
        for text in texts {
            let parsed = try parse(#"{"points":[{"metric_name":"m","timestamp":0,"value":\#(text)}]}"#)
            #expect(parsed.points.first?.value == Double(text), "\(text)")
        }
    }

    @Test("reports wrong types per point and field without stopping", arguments: [
        (#"{"points":[{"metric_name":1,"timestamp":0,"value":1}]}"#, "metric_name"),
        (#"{"points":[{"metric_name":"m","timestamp":"yesterday","value":1}]}"#, "timestamp"),
        (#"{"points":[{"metric_name":"m","timestamp":0,"value":"12"}]}"#, "value"),
        (#"{"points":[{"metric_name":"m","timestamp":0,"value":null}]}"#, "value"),
        (#"{"points":[{"metric_name":"m","timestamp":0}]}"#, "value"),
        (#"{"points":[{"metric_name":"m","timestamp":0,"value":1,"tags":{"a":1}}]}"#, "tags.a"),
        (#"{"points":[{"metric_name":"m","timestamp":0,"value":1,"tags":[]}]}"#, "tags"),
        (#"{"points":[{"metric_name":"m","timestamp":0,"value":1,"metadata":"x"}]}"#, "metadata"),
        (#"{"points":[7]}"#, ""),
        (#"{"points":{}}"#, "points"),
        (#"{}"#, "points"),
    ])
    func typeProblems(_ json: String, _ field: String) throws {
        let parsed = try parse(json)
        #expect(parsed.problems.contains { $0.field == field }, "\(parsed.problems)")
    }

    @Test("indexes problems by point position")
    func problemIndexes() throws {
        let parsed = try parse(#"{"points":[{"metric_name":"a","timestamp":0,"value":1},{"metric_name":"b","timestamp":0},{"metric_name":"c","timestamp":0,"value":true}]}"#)
        #expect(parsed.problems.map(\.index) == [1, 2])
        #expect(parsed.points.count == 3)
    }

    @Test("throws on malformed JSON", arguments: [
        "", "{", "[]", #"{"points":[}"#, #"{"points":[{"metric_name":"m"}"#, #"{"points":[]} x"#,
        #"{"points":[{"value":01}]}"#, #"{"points":[{"value":1.}]}"#, #"{"points":[{"value":-}]}"#,
        #"{"points":[{"metric_name":"\x"}]}"#, #"{"points":[{"metric_name":"\ud800"}]}"#, #"{"a":tru}"#,
        "{\"points\":[{\"metric_name\":\"a\u{01}b\"}]}", String(repeating: "[", count: 100),
        "{\"x\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}",
    ])
    func malformed(_ json: String) {
        #expect(throws: JSONSyntaxError.self) { try parse(json) }
    }
}

@Suite("Epoch seconds")
struct EpochSecondsTests {
    @Test("huge or non-finite epoch values are refused instead of overflowing", arguments: [9.3e12, -9.3e12, 1e300, Double.infinity, Double.nan])
    func refused(_ seconds: Double) {
        #expect(Timestamp(epochSeconds: seconds) == nil)
    }

    @Test("huge epoch values in a batch are a field problem, not a crash")
    func inBatch() throws {
        var bytes = Array(#"{"points":[{"metric_name":"m","timestamp":9999999999999999999,"value":1}]}"#.utf8)
        let parsed = try bytes.withUnsafeMutableBytes { try PointPayloadParser.parseBatch(UnsafeRawBufferPointer($0)) }
        #expect(parsed.problems.map(\.field) == ["timestamp"])
    }
}

@Suite("Timestamps from text")
struct TimestampTextTests {
    @Test("RFC 3339 or epoch seconds, nothing else", arguments: [
        ("2026-11-29T08:00:00Z", Int64?(1_795_939_200_000_000)), ("1795939200.25", 1_795_939_200_250_000),
        ("yesterday", nil), ("1e300", nil), ("", nil),
    ])
    func parses(_ text: String, _ micros: Int64?) {
        #expect(Timestamp(text: text)?.microseconds == micros)
    }
}
