import Foundation
import Testing
@testable import ChurnGuardAnalytics

@Suite("Timestamp parsing")
struct TimestampParserTests {
    @Test("NAB, RFC 3339, date-only and epoch formats")
    func formats() {
        #expect(TimestampParser.epochSeconds("2014-04-10 00:02:00") == 1_397_088_120)
        #expect(TimestampParser.epochSeconds("2014-04-10 00:02:00.000000") == 1_397_088_120)
        #expect(TimestampParser.epochSeconds("2014-04-10T00:02:00Z") == 1_397_088_120)
        #expect(TimestampParser.epochSeconds("2014-04-10T02:02:00+02:00") == 1_397_088_120)
        #expect(TimestampParser.epochSeconds("2014-04-09T19:02:00.5-05:00") == 1_397_088_120.5)
        #expect(TimestampParser.epochSeconds("1970-01-01") == 0)
        #expect(TimestampParser.epochSeconds("2000-02-29 12:00:00") == 951_825_600)
        #expect(TimestampParser.epochSeconds(" 1397088120 ") == 1_397_088_120)
        #expect(TimestampParser.epochSeconds("1397088120.25") == 1_397_088_120.25)
    }

    @Test("impossible or malformed timestamps are rejected", arguments: [
        "", "2014-13-01 00:00:00", "2014-04-31 00:00:00", "2013-02-29", "2014-04-10 24:00:00",
        "2014-04-10 00:02", "2014-04-10T00:02:00+0200", "yesterday", "nan", "2014-04-10 00:02:00Zjunk",
    ])
    func rejected(text: String) {
        #expect(TimestampParser.epochSeconds(text) == nil)
    }
}

@Suite("Offline detect")
struct OfflineDetectTests {
    @Test("parses NAB CSV with CRLF, BOM, quotes, extra columns and missing values")
    func parsing() throws {
        let csv = "\u{FEFF}id,Value , timestamp\r\n1,1.5,2014-04-10 00:00:00\r\n2,,\"2014-04-10 00:05:00\"\r\n\r\n3,NaN,1397088600\r\n"
        let input = try DetectInput(csv: csv)
        #expect(input.series.count == 3)
        #expect(input.series.values[0] == 1.5)
        #expect(input.series.values[1].isNaN && input.series.values[2].isNaN)
        #expect(input.series.timestamps == [1_397_088_000, 1_397_088_300, 1_397_088_600])
        #expect(input.timestampTexts[1] == "2014-04-10 00:05:00")
    }

    @Test("errors name the column or the line")
    func errors() {
        #expect(throws: DetectInputError.empty) { try DetectInput(csv: "") }
        #expect(throws: DetectInputError.missingColumn("value", header: "timestamp,val")) {
            try DetectInput(csv: "timestamp,val\n2014-04-10 00:00:00,1\n")
        }
        #expect(throws: DetectInputError.badTimestamp(line: 3, text: "2014-04-10 25:00:00")) {
            try DetectInput(csv: "timestamp,value\n2014-04-10 00:00:00,1\n2014-04-10 25:00:00,2\n")
        }
        #expect(throws: DetectInputError.badValue(line: 2, text: "12abc")) {
            try DetectInput(csv: "timestamp,value\n2014-04-10 00:00:00,12abc\n")
        }
        #expect(throws: DetectInputError.missingField(line: 2)) { try DetectInput(csv: "timestamp,value\n2014\n") }
        #expect(DetectInputError.badValue(line: 7, text: "x").description.hasPrefix("line 7:"))
    }

    @Test("output has one row per input row, in input order, even for unsorted and duplicate times")
    func oneRowPerInputRow() throws {
        let csv = "timestamp,value\n2014-03-09 03:00:00,5\n2014-03-09 03:00:00,6\n2014-03-09 02:55:00,nan\n2014-03-09 03:05:00,7\n"
        let out = try OfflineDetect.run(csv: csv).split(separator: "\n").map(String.init)
        #expect(out.first == OfflineDetect.header)
        #expect(out.count == 5)
        #expect(out[1] == "2014-03-09 03:00:00,5,0.000000,0,0")
        #expect(out[3].hasPrefix("2014-03-09 02:55:00,nan,"))
    }

    @Test("the fixture's planted spike is flagged and the daily cycle is not")
    func fixture() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/detect/daily_with_spike", withExtension: "csv"))
        let csv = try String(contentsOf: url, encoding: .utf8)
        for mode in DetectionMode.allCases {
            var options = OfflineDetectOptions()
            options.mode = mode
            let rows = try OfflineDetect.run(csv: csv, options: options).split(separator: "\n").dropFirst()
            #expect(rows.count == 1_152)
            let flagged = rows.enumerated().filter { $0.element.split(separator: ",")[3] == "1" }.map(\.offset)
            #expect(flagged.contains(1_000), "\(mode)")
            #expect(flagged.count <= 3, "\(mode): \(flagged)")
        }
    }

    @Test("method lists parse and unknown names are reported")
    func methods() throws {
        #expect(try OfflineDetect.parseMethods("zscore, MAD,isolation_forest").get() == [.zscore, .mad, .isolationForest])
        #expect(throws: OfflineDetect.UnknownMethod(name: "knn")) { try OfflineDetect.parseMethods("zscore,knn").get() }
    }
}
