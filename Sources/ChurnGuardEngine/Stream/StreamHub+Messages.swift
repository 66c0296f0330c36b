public import ChurnGuardCore
import Foundation
import Synchronization

/// The messages the server sends on the stream, as JSON text.
public enum StreamMessage {
    struct Point: Encodable {
        let type = "point"
        let metric_name: String
        let tags: [String: String]
        let timestamp: String
        let value: Double
    }

    struct Stats: Encodable {
        let type = "stats"
        let metric_name: String
        let series: LiveSeriesJSON
    }

    struct AlertMessage: Encodable {
        let type = "alert"
        let alert: AlertJSON
    }

    struct InsightMessage: Encodable {
        let type = "insight"
        let insight: InsightJSON
    }

    struct Problem: Encodable {
        let type = "error"
        let code: String
        let message: String
    }

    struct Subscribed: Encodable {
        let type: String
        let subscriptions: [Entry]

        struct Entry: Encodable {
            let metric_name: String
            let tags: [String: String]
        }
    }

    static func encode(_ value: some Encodable) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `{"type":"error","code","message"}`, sent for a malformed or refused client message.
    public static func error(code: String, message: String) -> String {
        encode(Problem(code: code, message: message)) ?? #"{"type":"error","code":"internal","message":"error"}"#
    }

    /// `{"type":"subscribed"|"unsubscribed","subscriptions":[…]}`: the connection's subscriptions now.
    public static func subscriptions(_ type: String, _ subscriptions: Set<StreamHub.Subscription>) -> String {
        let entries = subscriptions.sorted { ($0.metricName, $0.tags.description) < ($1.metricName, $1.tags.description) }
            .map { Subscribed.Entry(metric_name: $0.metricName, tags: $0.tags) }
        return encode(Subscribed(type: type, subscriptions: entries)) ?? error(code: "internal", message: "could not encode")
    }
}

extension StreamHub {
    /// Sends every committed point to the connections subscribed to its series.
    public func publish(_ committed: CommittedPoints) {
        for batch in committed.batches where hasConnections(batch.organization) {
            for point in batch.points {
                deliver(organization: batch.organization, metricName: point.metricName, tags: point.tags) {
                    StreamMessage.encode(StreamMessage.Point(metric_name: point.metricName, tags: point.tags,
                                                             timestamp: point.timestamp.description, value: point.value))
                }
            }
        }
    }

    /// Sends a new insight to the connections subscribed to its metric (with no tag filter, or
    /// one naming the insight's segment).
    public func publish(_ insight: Insight) {
        let tags = insight.segment.map { [$0.dimension: $0.value] } ?? [:]
        deliver(organization: insight.organization, metricName: insight.metricName, tags: tags) {
            StreamMessage.encode(StreamMessage.InsightMessage(insight: InsightJSON(insight)))
        }
    }

    /// Sends an alert's new state to the connections subscribed to its series.
    public func publish(_ alert: Alert) {
        deliver(organization: alert.organization, metricName: alert.metricName, tags: alert.tags) {
            StreamMessage.encode(StreamMessage.AlertMessage(alert: AlertJSON(alert)))
        }
    }

    /// Sends `stats` for every subscribed live series that received points since the last
    /// push (at most `maxSeries` per subscribed metric), tracked in `pushed`.
    public func publishStatistics(from engine: RealtimeEngine, pushed: StatisticsPushLog, maxSeries: Int = 1000) {
        let connected = organizations
        pushed.keep(organizations: Set(connected))
        for organization in connected {
            let metrics = Set(subscribers(of: organization).flatMap { $0.1.map(\.metricName) })
            var current: Set<LiveSeriesKey> = []
            defer { pushed.keep(current, of: organization) }
            for metric in metrics {
                let snapshot = engine.snapshot(organization: organization, metricName: metric, limit: maxSeries)
                current.formUnion(snapshot.series.map(\.key))
                for series in snapshot.series where pushed.changed(organization, series) {
                    deliver(organization: organization, metricName: metric, tags: series.key.tags) {
                        StreamMessage.encode(StreamMessage.Stats(
                            metric_name: metric, series: LiveSeriesJSON(tags: series.key.tags, statistics: series.statistics)))
                    }
                }
            }
        }
    }
}

/// Which series' statistics were last pushed at which point count, so an unchanged series
/// is not pushed again every interval. Holds only series subscribed and live at the last push
/// (bounded like the windows themselves).
public final class StatisticsPushLog: Sendable {
    private let observed = Mutex<[OrganizationID: [LiveSeriesKey: Int]]>([:])

    /// An empty log.
    public init() {}

    /// Forgets every organization not in `organizations` (no connection any more).
    func keep(organizations: Set<OrganizationID>) {
        observed.withLock { log in log = log.filter { organizations.contains($0.key) } }
    }

    /// Forgets the series of `organization` not in `series` (evicted or unsubscribed).
    func keep(_ series: Set<LiveSeriesKey>, of organization: OrganizationID) {
        observed.withLock { log in log[organization] = log[organization]?.filter { series.contains($0.key) } }
    }

    /// Records `series` and says whether it changed since it was last recorded.
    func changed(_ organization: OrganizationID, _ series: LiveSeriesStatistics) -> Bool {
        observed.withLock { log in
            let previous = log[organization]?[series.key]
            log[organization, default: [:]][series.key] = series.statistics.observed
            return previous != series.statistics.observed
        }
    }
}

extension StreamHub {
    /// Sends a new anomaly to the connections subscribed to its series (`{"type":"anomaly","anomaly":{…}}`).
    public func publish(_ anomaly: Anomaly) {
        deliver(organization: anomaly.organization, metricName: anomaly.metricName, tags: anomaly.tags) {
            StreamMessage.encode(StreamMessage.AnomalyMessage(anomaly: AnomalyJSON(anomaly)))
        }
    }
}

extension StreamMessage {
    struct AnomalyMessage: Encodable {
        let type = "anomaly"
        let anomaly: AnomalyJSON
    }
}
