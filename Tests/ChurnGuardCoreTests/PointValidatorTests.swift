import ChurnGuardCore
import Testing

@Suite("Point validation")
struct PointValidatorTests {
    let validator = PointValidator()
    let valid = MetricPoint(metricName: "churn_risk_score", timestamp: Timestamp(seconds: 1_795_939_200), value: 0.5,
                            tags: ["customer_id": "c-1"])

    @Test("a valid point has no problems")
    func validPoint() {
        #expect(validator.problems(with: valid, index: 0).isEmpty)
    }

    @Test("each rule names its field", arguments: [
        ("", "metric_name"), ("9lives", "metric_name"), ("has space", "metric_name"),
        (String(repeating: "m", count: 129), "metric_name"),
    ])
    func metricNames(_ name: String, _ field: String) {
        var point = valid
        point.metricName = name
        #expect(validator.problems(with: point, index: 3).map(\.field) == [field])
        #expect(validator.problems(with: point, index: 3).first?.index == 3)
    }

    @Test("accepts the documented metric name characters")
    func metricNameCharacters() {
        var point = valid
        point.metricName = "_app.v2:latency-p95_" + String(repeating: "x", count: 108)
        #expect(point.metricName.utf8.count == 128)
        #expect(validator.problems(with: point, index: nil).isEmpty)
    }

    @Test("values must be finite", arguments: [Double.nan, .infinity, -.infinity])
    func nonFinite(_ value: Double) {
        var point = valid
        point.value = value
        #expect(validator.problems(with: point, index: nil).map(\.field) == ["value"])
    }

    @Test("timestamps must be in range")
    func timestampRange() {
        var point = valid
        point.timestamp = Timestamp(microseconds: -1)
        #expect(validator.problems(with: point, index: nil).map(\.field) == ["timestamp"])
        point.timestamp = Timestamp.latestAcceptedExclusive
        #expect(validator.problems(with: point, index: nil).map(\.field) == ["timestamp"])
        point.timestamp = Timestamp(microseconds: Timestamp.latestAcceptedExclusive.microseconds - 1)
        #expect(validator.problems(with: point, index: nil).isEmpty)
    }

    @Test("tags are bounded in number, key shape and value length")
    func tags() {
        var point = valid
        point.tags = Dictionary(uniqueKeysWithValues: (0..<33).map { ("k\($0)", "v") })
        #expect(validator.problems(with: point, index: nil).map(\.field) == ["tags"])
        point.tags = ["bad key": "v"]
        #expect(validator.problems(with: point, index: nil).map(\.field) == ["tags.bad key"])
        point.tags = ["k": String(repeating: "v", count: 257)]
        #expect(validator.problems(with: point, index: nil).map(\.field) == ["tags.k"])
        point.tags = ["k": ""]
        #expect(validator.problems(with: point, index: nil).map(\.field) == ["tags.k"])
        point.tags = ["k": "line\nbreak"]
        #expect(validator.problems(with: point, index: nil).map(\.field) == ["tags.k"])
        point.tags = ["k": String(repeating: "v", count: 256)]
        #expect(validator.problems(with: point, index: nil).isEmpty)
    }

    @Test("metadata is bounded")
    func metadata() {
        var point = valid
        point.metadataJSON = "{\"a\":\"" + String(repeating: "x", count: 5000) + "\"}"
        #expect(validator.problems(with: point, index: nil).map(\.field) == ["metadata"])
    }

    @Test("batches report every bad point and the size limit")
    func batch() {
        var limits = ValidationLimits()
        limits.maxBatchPoints = 2
        var bad = valid
        bad.value = .nan
        let problems = PointValidator(limits: limits).problems(with: [valid, bad, bad])
        #expect(problems.map(\.field) == ["points", "value", "value"])
        #expect(problems.map(\.index) == [nil, 1, 2])
    }
}
