import ChurnGuardAnalytics
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Hummingbird

/// `POST /api/v1/analytics/anomalies/detect`: on-demand detection over a stored series (a
/// range, or with `backtest` the last N days compared with the current setting) or posted
/// points, with chosen methods and sensitivity. Stores nothing; bounded in points (and so
/// in time), with a clear error past the bound.
struct AnomalyDetectRoutes {
    let points: any MetricStore
    let anomalies: any AnomalyStore
    let options: APIOptions
    let queryLimiter: QueryLimiter

    /// Most points one request may examine.
    static let maxPoints = 20_000
    /// Most days a backtest looks back.
    static let maxBacktestDays = 90

    func register(on tenant: RouterGroup<OrganizationContext>) {
        tenant.post("analytics/anomalies/detect") { request, context in try await detect(request, context: context) }
    }

    /// A parsed request.
    struct Request {
        var metricName = "posted"
        var tags: [String: String] = [:]
        var from: Timestamp?
        var to: Timestamp?
        var posted: [MonitorRow]?
        var methods: [DetectionMethod]?
        var sensitivity: Double?
        var votingThreshold: Int?
        var backtestDays: Int?
    }

    /// The settings one detection ran with.
    struct SettingsJSON: Encodable {
        let methods: [String]
        let sensitivity: Double
        let voting_threshold: Int
    }

    /// One detection's result.
    struct ResultJSON: Encodable {
        let settings: SettingsJSON
        let count: Int
        let anomalies: [AnomalyJSON]
    }

    /// The answer: one result, or with a backtest the proposed and the current setting's.
    struct AnswerJSON: Encodable {
        let metric_name: String
        let tags: [String: String]
        let points_examined: Int
        let from: String?
        let to: String?
        let result: ResultJSON?
        let backtest_days: Int?
        let proposed: ResultJSON?
        let current: ResultJSON?
    }

    func detect(_ http: Hummingbird.Request, context: OrganizationContext) async throws -> Response {
        var http = http
        let body = try await http.collectBody(upTo: context.maxUploadSize)
        guard case .object(let object) = try JSONValue.parse(Data(buffer: body)) else {
            throw ServiceError(.malformed, code: "malformed_json", message: "the body must be a JSON object")
        }
        var request = try parse(object)
        let organization = context.organization
        return try await queryLimiter.run(for: organization) {
            let rows: [MonitorRow]
            if let posted = request.posted {
                rows = posted
            } else {
                if let days = request.backtestDays {
                    let now = options.now()
                    request.to = now
                    request.from = now.adding(seconds: -Int64(days) * 86_400)
                }
                let stored = try await storedSeries(request, organization: organization)
                rows = stored.rows
                request.tags = stored.tags
            }
            let proposed = run(rows, request, settings: proposedSettings(request, factor: 1), organization: organization)
            var answer = AnswerJSON(metric_name: request.metricName, tags: request.tags, points_examined: rows.count,
                                    from: request.from?.description, to: request.to?.description, result: proposed,
                                    backtest_days: nil, proposed: nil, current: nil)
            if let days = request.backtestDays {
                let key = Alert.seriesKey(metricName: request.metricName, tags: request.tags)
                let tuning = try await anomalies.anomalySeriesStates(metricName: request.metricName, organization: organization)
                    .first { $0.seriesKey == key }?.tuning ?? AnomalySeriesTuning()
                let current = run(rows, request, settings: options.anomalyDetection.ensemble(sensitivityFactor: tuning.sensitivityFactor),
                                  organization: organization)
                answer = AnswerJSON(metric_name: answer.metric_name, tags: answer.tags, points_examined: rows.count, from: answer.from,
                                    to: answer.to, result: nil, backtest_days: days, proposed: proposed, current: current)
            }
            return try JSONResponse.make(.ok, answer)
        }
    }

    private func proposedSettings(_ request: Request, factor: Double) -> EnsembleDetector {
        var monitor = options.anomalyDetection
        if let methods = request.methods { monitor.methods = methods }
        if let sensitivity = request.sensitivity { monitor.settings.sensitivity = sensitivity }
        if let voting = request.votingThreshold { monitor.settings.votingThreshold = voting }
        return monitor.ensemble(sensitivityFactor: factor)
    }

    private func run(_ rows: [MonitorRow], _ request: Request, settings ensemble: EnsembleDetector,
                     organization: OrganizationID) -> ResultJSON {
        let builder = AnomalyEventBuilder(ensemble: ensemble, mergeGapRows: options.anomalyDetection.mergeGapRows)
        var events: [Anomaly] = []
        if !rows.isEmpty {
            let state = AnomalySeriesState(metricName: request.metricName, tags: request.tags)
            var counter = 0
            events = builder.scan(context: [], fresh: rows, state: state, open: nil, organization: organization, now: options.now(),
                                  makeID: { counter += 1; return "detect-\(counter)" }).anomalies
        }
        return ResultJSON(settings: SettingsJSON(methods: ensemble.methods.map(\.rawValue), sensitivity: ensemble.settings.sensitivity,
                                                 voting_threshold: ensemble.requiredVotes),
                          count: events.count, anomalies: events.map { AnomalyJSON($0, stored: false) })
    }

    /// The stored points of the one series `metric_name` + `tags` selects, in `[from, to)`.
    private func storedSeries(_ request: Request, organization: OrganizationID) async throws -> (rows: [MonitorRow], tags: [String: String]) {
        var query = PointQuery(metricName: request.metricName, from: request.from, to: request.to, tags: request.tags,
                               limit: Self.maxPoints + 1)
        var series: [[String: String]: [MonitorRow]] = [:]
        var total = 0
        while true {
            let page = try await points.points(query, organization: organization)
            for stored in page.points { series[stored.point.tags, default: []].append(MonitorRow(stored)) }
            total += page.points.count
            if total > Self.maxPoints {
                throw ServiceError(.validation, code: "too_many_points", message: "the range holds more than \(Self.maxPoints) points",
                                   details: [ErrorDetail(field: "from", message: "narrow from/to (or days) to at most \(Self.maxPoints) points")])
            }
            guard let next = page.nextCursor else { break }
            query.after = next
        }
        guard series.count <= 1 else {
            throw ServiceError(.validation, code: "ambiguous_series", message: "the tags select \(series.count) series",
                               details: [ErrorDetail(field: "tags", message: "give every tag of one series (for example its customer_id)")])
        }
        guard let (tags, rows) = series.first else {
            throw ServiceError(.notFound, code: "no_points", message: "no stored points of \(request.metricName) match the tags and range")
        }
        return (rows: rows, tags: tags)
    }

    /// A time given as RFC 3339 text or epoch seconds.
    private static func time(_ value: JSONValue?) -> Timestamp? {
        guard let value else { return nil }
        if let text = value.string { return Timestamp(text: text) }
        return value.number.flatMap { Timestamp(epochSeconds: $0) }
    }

    /// Reads and checks the body, naming every bad field.
    private func parse(_ object: [String: JSONValue]) throws -> Request {
        var request = Request()
        var problems: [ErrorDetail] = []
        let validator = PointValidator(limits: options.validation)
        let known: Set<String> = ["metric_name", "tags", "from", "to", "points", "methods", "sensitivity", "voting_threshold", "backtest", "days"]
        for key in object.keys where !known.contains(key) {
            problems.append(ErrorDetail(field: String(key.prefix(64)), message: "is not a known field (\(known.sorted().joined(separator: ", ")))"))
        }
        if let raw = object["metric_name"] {
            if let name = raw.string, validator.metricNameProblem(name) == nil { request.metricName = name } else {
                problems.append(ErrorDetail(field: "metric_name", message: raw.string.flatMap(validator.metricNameProblem) ?? "must be a metric name"))
            }
        }
        if let raw = object["tags"] {
            if case .object(let tags) = raw {
                for (key, value) in tags {
                    if let problem = validator.tagKeyProblem(key) {
                        problems.append(ErrorDetail(field: "tags.\(key.prefix(64))", message: problem))
                    } else if let text = value.string, validator.tagValueProblem(text) == nil {
                        request.tags[key] = text
                    } else {
                        problems.append(ErrorDetail(field: "tags.\(key)", message: "must be a tag value (text)"))
                    }
                }
            } else { problems.append(ErrorDetail(field: "tags", message: "must be an object of text values")) }
        }
        for field in ["from", "to"] {
            guard let raw = object[field] else { continue }
            if let time = Self.time(raw) { if field == "from" { request.from = time } else { request.to = time } } else {
                problems.append(ErrorDetail(field: field, message: "must be RFC 3339 or epoch seconds"))
            }
        }
        if let raw = object["points"] {
            if case .array(let items) = raw {
                if items.count > Self.maxPoints {
                    problems.append(ErrorDetail(field: "points", message: "at most \(Self.maxPoints) points (got \(items.count))"))
                } else {
                    var rows: [MonitorRow] = []
                    for (index, item) in items.enumerated() {
                        guard case .object(let point) = item,
                              let time = Self.time(point["timestamp"]),
                              let value = point["value"]?.number else {
                            problems.append(ErrorDetail(index: index, field: "points[\(index)]",
                                                        message: "must be {\"timestamp\": RFC 3339 or epoch seconds, \"value\": finite number}"))
                            if problems.count >= PointValidator.maxReportedProblems { break }
                            continue
                        }
                        rows.append(MonitorRow(timestamp: time, sequence: Int64(index), value: value))
                    }
                    request.posted = rows.sorted { ($0.timestamp, $0.sequence) < ($1.timestamp, $1.sequence) }
                }
            } else { problems.append(ErrorDetail(field: "points", message: "must be a list of {timestamp, value}")) }
        }
        if let raw = object["methods"] {
            if case .array(let items) = raw, !items.isEmpty {
                let methods = items.map { $0.string.flatMap(DetectionMethod.init(rawValue:)) }
                if methods.contains(nil) {
                    problems.append(ErrorDetail(field: "methods", message: "each must be one of "
                        + DetectionMethod.allCases.map(\.rawValue).joined(separator: ", ")))
                } else { request.methods = methods.compactMap { $0 } }
            } else { problems.append(ErrorDetail(field: "methods", message: "must be a non-empty list of method names")) }
        }
        if let raw = object["sensitivity"] {
            if let value = raw.number, (0.1...10).contains(value) { request.sensitivity = value } else {
                problems.append(ErrorDetail(field: "sensitivity", message: "must be a number from 0.1 to 10"))
            }
        }
        if let raw = object["voting_threshold"] {
            if let value = raw.number, value == value.rounded(), (1...7).contains(value) { request.votingThreshold = Int(value) } else {
                problems.append(ErrorDetail(field: "voting_threshold", message: "must be an integer from 1 to 7"))
            }
        }
        var backtest = false
        if let raw = object["backtest"] {
            if case .bool(let flag) = raw { backtest = flag } else { problems.append(ErrorDetail(field: "backtest", message: "must be true or false")) }
        }
        if let raw = object["days"] {
            if let value = raw.number, value == value.rounded(), (1...Double(Self.maxBacktestDays)).contains(value) {
                request.backtestDays = backtest ? Int(value) : nil
                if !backtest { problems.append(ErrorDetail(field: "days", message: "only with \"backtest\": true")) }
            } else {
                problems.append(ErrorDetail(field: "days", message: "must be an integer from 1 to \(Self.maxBacktestDays)"))
            }
        } else if backtest {
            request.backtestDays = 30
        }
        if object["points"] != nil {
            if object["metric_name"] != nil || object["from"] != nil || object["to"] != nil || backtest {
                problems.append(ErrorDetail(field: "points", message: "give either points or a stored series (metric_name, tags, from, to, backtest), not both"))
            }
        } else if object["metric_name"] == nil {
            problems.append(ErrorDetail(field: "metric_name", message: "is required unless points are posted"))
        }
        if backtest, request.from != nil || request.to != nil {
            problems.append(ErrorDetail(field: "from", message: "a backtest covers the last days; leave out from and to"))
        }
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_detection", message: "invalid detection request",
                               details: Array(problems.prefix(PointValidator.maxReportedProblems)))
        }
        return request
    }
}
