public import ChurnGuardCore

/// An anomaly as JSON (the anomaly routes and `anomaly` stream messages).
public struct AnomalyJSON: Encodable, Sendable {
    let id: String?
    let metric_name: String
    let tags: [String: String]
    let started_at: String
    let ended_at: String
    let peak_at: String
    let peak_value: Double
    let expected_value: Double?
    let expected_range: [Double]?
    let score: Double
    let severity: String
    let anomalous_points: Int
    let methods: [Method]
    let explanation: String
    let status: String?
    let feedback_comment: String?
    let feedback_at: String?
    let detected_at: String?
    let updated_at: String?
    let level: String?
    let parent_id: String?
    let related_ids: [String]?

    /// One method's part.
    struct Method: Encodable, Sendable {
        let method: String
        let score: Double
        let vote: Bool
    }

    /// The JSON of a stored anomaly; `stored: false` leaves out what only stored ones have
    /// (id, status, feedback, times, level and links), for on-demand detection.
    public init(_ anomaly: Anomaly, stored: Bool = true) {
        id = stored ? anomaly.id : nil
        metric_name = anomaly.metricName
        tags = anomaly.tags
        started_at = anomaly.startedAt.description
        ended_at = anomaly.endedAt.description
        peak_at = anomaly.peakAt.description
        peak_value = anomaly.peakValue
        expected_value = anomaly.expectedValue
        expected_range = anomaly.expectedLow.flatMap { low in anomaly.expectedHigh.map { [low, $0] } }
        score = anomaly.score
        severity = anomaly.severity.rawValue
        anomalous_points = anomaly.anomalousPoints
        methods = anomaly.methods.map { Method(method: $0.method, score: $0.score, vote: $0.vote) }
        explanation = anomaly.explanation
        status = stored ? anomaly.status.rawValue : nil
        feedback_comment = stored ? anomaly.feedbackComment : nil
        feedback_at = stored ? anomaly.feedbackAt?.description : nil
        detected_at = stored ? anomaly.detectedAt.description : nil
        updated_at = stored ? anomaly.updatedAt.description : nil
        level = stored ? anomaly.level.rawValue : nil
        parent_id = stored ? anomaly.parentID : nil
        related_ids = stored ? anomaly.relatedIDs : nil
    }
}
