import ChurnGuardCore

/// The partial summaries one rollup run gathers from the new points, keyed by series and
/// hour; the day summaries are merged from the hours. Consecutive points of the same series
/// and hour (the common case: batches arrive per series, in time order) are folded into a
/// running accumulator before touching the dictionary, which keeps the per-point cost low.
struct SQLiteRollupDelta {
    struct Key: Hashable {
        var organization: String
        var metric: String
        var bucket: Int64
    }

    private(set) var hourly: [Key: RollupAggregate] = [:]
    private var currentKey: Key?
    private var current = RollupAggregate()

    /// Folds one point in; `organization` and `metric` are the stored texts.
    mutating func add(organization: String, metric: String, timestamp: Int64, value: Double) {
        let hour = RollupResolution.hour.bucketStart(of: Timestamp(microseconds: timestamp)).microseconds
        if let key = currentKey, key.bucket == hour, key.metric == metric, key.organization == organization {
            current.add(value)
            return
        }
        flush()
        currentKey = Key(organization: organization, metric: metric, bucket: hour)
        current.add(value)
    }

    /// Moves the running accumulator into ``hourly``.
    mutating func flush() {
        guard let key = currentKey else { return }
        hourly[key, default: RollupAggregate()].merge(current)
        currentKey = nil
        current = RollupAggregate()
    }

    /// The day summaries, merged from the hours (call ``flush()`` first).
    var daily: [Key: RollupAggregate] {
        var days: [Key: RollupAggregate] = [:]
        for (key, aggregate) in hourly {
            let day = RollupResolution.day.bucketStart(of: Timestamp(microseconds: key.bucket)).microseconds
            days[Key(organization: key.organization, metric: key.metric, bucket: day), default: RollupAggregate()].merge(aggregate)
        }
        return days
    }
}
