/// Checks points against ``ValidationLimits`` and reports every problem at once, with the
/// index and field of each, so a client can fix a whole batch in one round trip.
///
/// Rules: metric names match `[A-Za-z_][A-Za-z0-9_.:-]*` and are at most 128 bytes; values
/// are finite; timestamps lie in [1970-01-01, 2100-01-01); at most 32 tags, keys match
/// `[A-Za-z_][A-Za-z0-9_.-]*` (≤ 64 bytes), values are 1–256 bytes without control characters.
public struct PointValidator: Sendable {
    /// The limits applied.
    public let limits: ValidationLimits

    /// Creates a validator.
    public init(limits: ValidationLimits = ValidationLimits()) { self.limits = limits }

    /// Problems with one point; empty when it is valid.
    public func problems(with point: MetricPoint, index: Int?) -> [ErrorDetail] {
        var found: [ErrorDetail] = []
        if let problem = metricNameProblem(point.metricName) {
            found.append(ErrorDetail(index: index, field: "metric_name", message: problem))
        }
        if !point.value.isFinite {
            found.append(ErrorDetail(index: index, field: "value", message: "must be a finite number"))
        }
        if point.timestamp < limits.earliest || point.timestamp >= limits.latestExclusive {
            found.append(ErrorDetail(
                index: index, field: "timestamp",
                message: "must be between \(limits.earliest) and \(limits.latestExclusive) (exclusive)"))
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

    /// Problems with a whole batch; empty when every point is valid.
    public func problems(with batch: [MetricPoint]) -> [ErrorDetail] {
        var found: [ErrorDetail] = []
        if batch.count > limits.maxBatchPoints {
            found.append(ErrorDetail(field: "points", message: "at most \(limits.maxBatchPoints) points per request"))
        }
        for (index, point) in batch.enumerated() {
            found.append(contentsOf: problems(with: point, index: index))
            if found.count >= 100 { break }
        }
        return found
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
