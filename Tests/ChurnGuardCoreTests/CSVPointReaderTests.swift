import ChurnGuardCore
import Testing

@Suite("CSV bulk rows")
struct CSVPointReaderTests {
    @Test("columns in any order; other columns become tags; quotes are honoured")
    func reads() throws {
        let reader = try CSVPointReader(header: "segment,value,timestamp,metric_name,customer_id")
        let point = try reader.point(from: "\"smb, west\",0.75,2026-11-29T08:00:00Z,churn_risk_score,", lineNumber: 2)
        #expect(point == MetricPoint(metricName: "churn_risk_score", timestamp: Timestamp(seconds: 1_795_939_200), value: 0.75,
                                     tags: ["segment": "smb, west"]))
        let epoch = try reader.point(from: "smb,1,1795939200,logins,\"c \"\"1\"\"\"", lineNumber: 3)
        #expect(epoch.tags["customer_id"] == "c \"1\"")
    }

    @Test("errors name the line")
    func errors() throws {
        #expect(throws: ServiceError.self) { try CSVPointReader(header: "time,value,metric_name") }
        let reader = try CSVPointReader(header: "timestamp,metric_name,value")
        do {
            _ = try reader.point(from: "yesterday,logins,1", lineNumber: 7)
            Issue.record("accepted a bad timestamp")
        } catch {
            #expect(error.message.hasPrefix("line 7:"))
        }
        #expect(throws: ServiceError.self) { try reader.point(from: "2026-11-29T08:00:00Z,logins", lineNumber: 2) }
        #expect(throws: ServiceError.self) { try reader.point(from: "2026-11-29T08:00:00Z,logins,abc", lineNumber: 2) }
        #expect(throws: ServiceError.self) { try reader.point(from: "\"2026-11-29T08:00:00Z,logins,1", lineNumber: 2) }
    }
}
