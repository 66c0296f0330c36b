import ChurnGuardCore
import Testing

/// Issue #9, defect 7 (b, c): duplicate keys were accepted (two `"points"` arrays were both
/// stored) and ill-formed UTF-8 was silently replaced with U+FFFD. Both are syntax errors
/// now, in the batch parser and the JSON Lines parser alike, wherever they occur.
@Suite("Ingest parser strictness")
struct PayloadStrictnessTests {
    func batch(_ bytes: [UInt8]) -> Result<ParsedPoints, any Error> {
        var bytes = bytes
        return bytes.withUnsafeMutableBytes { buffer in
            do {
                return .success(try PointPayloadParser.parseBatch(UnsafeRawBufferPointer(buffer)))
            } catch {
                return .failure(error)
            }
        }
    }

    func line(_ bytes: [UInt8]) -> Result<ParsedPoints, any Error> {
        var bytes = bytes
        return bytes.withUnsafeMutableBytes { buffer in
            do {
                return .success(try PointPayloadParser.parsePoint(UnsafeRawBufferPointer(buffer), index: 1))
            } catch {
                return .failure(error)
            }
        }
    }

    func syntaxError(_ result: Result<ParsedPoints, any Error>) -> JSONSyntaxError? {
        if case .failure(let error) = result { return error as? JSONSyntaxError }
        return nil
    }

    static let point = #"{"metric_name":"m","timestamp":0,"value":1}"#

    @Test("a duplicate key anywhere is a syntax error at the second key", arguments: [
        #"{"points":[],"points":[]}"#,
        #"{"points":[{"metric_name":"m","timestamp":0,"value":1,"value":2}]}"#,
        #"{"points":[{"metric_name":"m","metric_name":"n","timestamp":0,"value":1}]}"#,
        #"{"points":[{"metric_name":"m","timestamp":0,"value":1,"tags":{"a":"x","a":"y"}}]}"#,
        #"{"points":[{"metric_name":"m","timestamp":0,"value":1,"metadata":{"deep":{"k":1,"k":2}}}]}"#,
        #"{"points":[{"metric_name":"m","timestamp":0,"value":1,"extra":[{"k":1,"k":2}]}]}"#,
        #"{"meta":{"k":1,"k":1},"points":[]}"#,
        #"{"points":[{"metric_name":"m","timestamp":0,"value":1,"x":1,"x":1}]}"#,
    ])
    func duplicateKeys(_ json: String) throws {
        let error = try #require(syntaxError(batch(Array(json.utf8))))
        #expect(error.message.hasPrefix("duplicate key"), "\(error)")
        // The offset points at the second occurrence of the key.
        let bytes = Array(json.utf8)
        #expect(bytes[error.offset] == 0x22)
        let key = error.message.split(separator: "\"").dropFirst().first.map(String.init) ?? ""
        let first = json.range(of: "\"\(key)\"").map { json.utf8.distance(from: json.startIndex, to: $0.lowerBound) }
        #expect(first.map { $0 < error.offset } == true, "\(error) in \(json)")
    }

    @Test("a duplicate key in a JSON Lines point is a syntax error too")
    func duplicateKeyInLine() {
        let error = syntaxError(line(Array(#"{"metric_name":"m","timestamp":0,"timestamp":1,"value":1}"#.utf8)))
        #expect(error?.message == #"duplicate key "timestamp""#)
        #expect(error?.offset == 33)
    }

    @Test("more than a dozen distinct keys are fine (the set switches to hashing)")
    func manyDistinctKeys() throws {
        let extras = (0..<100).map { #""x\#($0)":\#($0)"# }.joined(separator: ",")
        let parsed = try batch(Array(#"{"points":[{"metric_name":"m","timestamp":0,"value":1,\#(extras)}]}"#.utf8)).get()
        #expect(parsed.points.count == 1)
        #expect(parsed.problems.isEmpty)
        let duplicate = #"{"points":[{"metric_name":"m","timestamp":0,"value":1,\#(extras),"x57":0}]}"#
        #expect(syntaxError(batch(Array(duplicate.utf8)))?.message == #"duplicate key "x57""#)
    }

    static let illFormed: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC3], [0xC3, 0x28], [0xE0, 0x80, 0x80], [0xE2, 0x82],
        [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFE], [0xFF],
    ]

    @Test("ill-formed UTF-8 in any string is a syntax error at its byte offset", arguments: illFormed)
    func illFormedUTF8(_ bad: [UInt8]) throws {
        let places: [(prefix: String, suffix: String)] = [
            (#"{"points":[{"metric_name":"m"#, #"","timestamp":0,"value":1}]}"#),
            (#"{"points":[{"metric_name":"m","timestamp":0,"value":1,"tags":{"k":"v"#, #""}}]}"#),
            (#"{"points":[{"metric_name":"m","timestamp":0,"value":1,"tags":{"k"#, #"":"v"}}]}"#),
            (#"{"points":[{"metric_name":"m","timestamp":0,"value":1,"metadata":{"note":"\n"#, #""}}]}"#),
            (#"{"points":[{"metric_name":"m","timestamp":0,"value":1,"other":[""#, #""]}]}"#),
            (#"{"points":[{"metric_name":"m\t"#, #"","timestamp":0,"value":1}]}"#),
        ]
        for (prefix, suffix) in places {
            let body = Array(prefix.utf8) + bad + Array(suffix.utf8)
            let error = syntaxError(batch(body))
            #expect(error?.offset == prefix.utf8.count, "\(prefix) \(bad)")
            #expect(error?.message == "invalid UTF-8 in string", "\(prefix) \(bad)")
        }
        let jsonLine = Array(#"{"metric_name":"m","timestamp":0,"value":1,"tags":{"k":""#.utf8)
        let error = syntaxError(line(jsonLine + bad + Array(#""}}"#.utf8)))
        #expect(error?.offset == jsonLine.count)
        #expect(error?.message == "invalid UTF-8 in string")
    }

    @Test("well-formed multi-byte text is kept exactly, escaped or not")
    func wellFormedUTF8() throws {
        let text = "é€😀\u{FFFF}\u{10FFFF}"
        let parsed = try batch(Array(#"{"points":[{"metric_name":"m","timestamp":0,"value":1,"tags":{"a":"\#(text)","b":"\n\#(text)"}}]}"#.utf8)).get()
        #expect(parsed.points.first?.tags == ["a": text, "b": "\n" + text])
    }

    @Test("UTF8Validation agrees with the standard library on random bytes")
    func agreesWithStandardLibrary() {
        var generator = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
                                    0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let count = Int.random(in: 1...6, using: &generator)
            let bytes = (0..<count).map { _ in interesting.randomElement(using: &generator) ?? 0 }
            let ours = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) }
            let standard = String(validating: bytes, as: UTF8.self)
            #expect((ours == nil) == (standard != nil), "\(bytes)")
        }
    }
}
