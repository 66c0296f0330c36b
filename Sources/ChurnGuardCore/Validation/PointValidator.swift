import Foundation

/// Checks points against ``ValidationLimits`` and reports every problem at once, with the
/// index and field of each, so a client can fix a whole batch in one round trip.
///
/// Rules: metric names match `[A-Za-z_][A-Za-z0-9_.:-]*` and are at most 128 bytes; values
/// are finite with `|value| ≤ 1e100` (``MetricPoint/maximumMagnitude``); timestamps lie in [1970-01-01, 2100-01-01)
/// and, when configured, within `api.max_point_age` before and `api.max_point_future` after
/// now; at most 32 tags, keys match
/// `[A-Za-z_][A-Za-z0-9_.-]*` (≤ 64 bytes), values are 1–256 bytes without control characters.
public struct PointValidator: Sendable {
    /// The limits applied.
    public let limits: ValidationLimits
    /// The earliest accepted timestamp: the fixed bound, or the age bound counted back from
    /// the validator's `now`, whichever is later.
    public let earliest: Timestamp
    /// The first timestamp no longer accepted, likewise.
    public let latestExclusive: Timestamp

    /// Creates a validator; `now` (default: the current time) anchors the configured age and
    /// future bounds.
    public init(limits: ValidationLimits = ValidationLimits(), now: Timestamp? = nil) {
        self.limits = limits
        var earliest = limits.earliest
        var latest = limits.latestExclusive
        if limits.maxPointAgeSeconds != nil || limits.maxPointFutureSeconds != nil {
            let reference = now ?? Timestamp(Date())
            if let age = limits.maxPointAgeSeconds { earliest = Swift.max(earliest, reference.adding(seconds: -age)) }
            if let future = limits.maxPointFutureSeconds { latest = Swift.min(latest, reference.adding(seconds: future)) }
        }
        self.earliest = earliest
        self.latestExclusive = latest
    }

    /// Problems with one point; empty when it is valid.
    public func problems(with point: MetricPoint, index: Int?) -> [ErrorDetail] {
        var found: [ErrorDetail] = []
        if let problem = metricNameProblem(point.metricName) {
            found.append(ErrorDetail(index: index, field: "metric_name", message: problem))
        }
        if let problem = valueProblem(point.value) {
            found.append(ErrorDetail(index: index, field: "value", message: problem))
        }
        if point.timestamp < earliest || point.timestamp >= latestExclusive {
            found.append(ErrorDetail(
                index: index, field: "timestamp",
                message: "must be between \(earliest) and \(latestExclusive) (exclusive; api.max_point_age and api.max_point_future)"))
        }
        if point.tags.count > limits.maxTags {
            found.append(ErrorDetail(index: index, field: "tags", message: "at most \(limits.maxTags) tags are allowed"))
        }
        for (key, value) in point.tags.sorted(by: { $0.key < $1.key }) {
            if let problem = tagKeyProblem(key) {
                found.append(ErrorDetail(index: index, field: "tags.\(key.prefix(64))", message: problem))
            } else if let problem = tagValueProblem(value) {
                found.append(ErrorDetail(index: index, field: "tags.\(key)", message: problem))
            }
        }
        if let metadata = point.metadataJSON, metadata.utf8.count > limits.maxMetadataBytes {
            found.append(ErrorDetail(index: index, field: "metadata", message: "must be at most \(limits.maxMetadataBytes) bytes of JSON"))
        }
        return found
    }

    /// Most problems reported for one batch; a client fixes these and sends it again.
    public static let maxReportedProblems = 100

    /// Problems with a whole batch, at most ``maxReportedProblems``; empty when every point
    /// is valid. The batch-size problem comes first, then `known` (problems found while
    /// reading the batch; a point they already name is not checked again), then the rest.
    public func problems(with batch: [MetricPoint], known: [ErrorDetail] = []) -> [ErrorDetail] {
        var found: [ErrorDetail] = []
        // The batch cap first: with a huge batch it is the one problem a client must see.
        if batch.count > limits.maxBatchPoints {
            found.append(ErrorDetail(field: "points", message: "at most \(limits.maxBatchPoints) points per request"))
        }
        found += known
        let alreadyBad = Set(known.compactMap(\.index))
        for (index, point) in batch.enumerated() where !alreadyBad.contains(index) {
            if found.count >= Self.maxReportedProblems { break }
            found.append(contentsOf: problems(with: point, index: index))
        }
        return Array(found.prefix(Self.maxReportedProblems))
    }

    /// Why a value is not acceptable, or `nil` when it is.
    public func valueProblem(_ value: Double) -> String? {
        guard value.isFinite else { return "must be a finite number" }
        guard abs(value) <= MetricPoint.maximumMagnitude else { return "must be between -1e100 and 1e100" }
        return nil
    }

    /// Why a metric name is not acceptable, or `nil` when it is.
    public func metricNameProblem(_ name: String) -> String? {
        let bytes = name.utf8
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > limits.maxMetricNameLength { return "must be at most \(limits.maxMetricNameLength) bytes" }
        guard Self.isIdentifier(bytes, extra: [46, 58, 45]) else {
            return "must start with a letter or underscore and contain only letters, digits, '_', '.', ':' or '-'"
        }
        return nil
    }

    /// Why a tag key is not acceptable, or `nil` when it is.
    public func tagKeyProblem(_ key: String) -> String? {
        let bytes = key.utf8
        if bytes.isEmpty { return "tag key must not be empty" }
        if bytes.count > limits.maxTagKeyLength { return "tag key must be at most \(limits.maxTagKeyLength) bytes" }
        guard Self.isIdentifier(bytes, extra: [46, 45]) else {
            return "tag key must start with a letter or underscore and contain only letters, digits, '_', '.' or '-'"
        }
        return nil
    }

    /// Why a tag value is not acceptable, or `nil` when it is.
    public func tagValueProblem(_ value: String) -> String? {
        let bytes = value.utf8
        if bytes.isEmpty { return "tag value must not be empty" }
        if bytes.count > limits.maxTagValueLength { return "tag value must be at most \(limits.maxTagValueLength) bytes" }
        if bytes.contains(where: { $0 < 32 || $0 == 127 }) { return "tag value must not contain control characters" }
        return nil
    }

    static func isIdentifier(_ bytes: String.UTF8View, extra: Set<UInt8>) -> Bool {
        var first = true
        for byte in bytes {
            let letter = (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
            let digit = byte >= 48 && byte <= 57
            if first {
                guard letter else { return false }
                first = false
            } else if !(letter || digit || extra.contains(byte)) {
                return false
            }
        }
        return true
    }
}
