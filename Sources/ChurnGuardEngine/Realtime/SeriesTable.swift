import ChurnGuardAnalytics

/// One organization's live series: their windows side by side in one array, found by their
/// ``SeriesFingerprint``.
///
/// Finding a point's series costs one fingerprint computation and one lookup keyed by it; the
/// stored name and tags are read only when series are listed, so the per-point path touches no
/// reference count (atomic reference counting on cold objects cost more than the rest of the
/// fold together). Removal compacts the array and rebuilds the index; it runs once per cleanup
/// interval, not per point.
struct SeriesTable {
    /// One live series.
    struct Slot {
        var metricName: String
        var tags: [String: String]
        var window: SeriesWindow
        /// When the series last received a point, microseconds since the epoch.
        var lastSeen: Int64
        var fingerprint: SeriesFingerprint

        /// The series' identity as the engine's readers see it.
        var key: LiveSeriesKey { LiveSeriesKey(metricName: metricName, tags: tags) }
    }

    private(set) var slots: [Slot] = []
    private var index: [SeriesFingerprint: Int] = [:]

    /// Live series in the table.
    var count: Int { slots.count }

    /// The slot of the series with `fingerprint`, `nil` when it is not live.
    func slotIndex(of fingerprint: SeriesFingerprint) -> Int? {
        index[fingerprint]
    }

    /// Adds a point to the window in slot `slotIndex`.
    mutating func push(time: Int64, value: Double, now: Int64, at slotIndex: Int) {
        slots.withUnsafeMutableBufferPointer { buffer in
            buffer[slotIndex].window.push(time: time, value: value)
            buffer[slotIndex].lastSeen = now
        }
    }

    /// Adds a series that is not live yet.
    mutating func insert(metricName: String, tags: [String: String], fingerprint: SeriesFingerprint,
                         window: SeriesWindow, lastSeen: Int64) {
        index[fingerprint] = slots.count
        slots.append(Slot(metricName: metricName, tags: tags, window: window, lastSeen: lastSeen, fingerprint: fingerprint))
    }

    /// Removes every series for which `shouldRemove` is true; returns how many were removed.
    @discardableResult
    mutating func removeAll(where shouldRemove: (Slot) -> Bool) -> Int {
        let before = slots.count
        slots.removeAll(where: shouldRemove)
        guard slots.count != before else { return 0 }
        index = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($1.fingerprint, $0) })
        return before - slots.count
    }

    /// The series of one metric.
    func slots(ofMetric metricName: String) -> [Slot] {
        slots.filter { $0.metricName == metricName }
    }

    /// The window of one exact series, `nil` when it is not live.
    func window(of key: LiveSeriesKey) -> SeriesWindow? {
        slotIndex(of: SeriesFingerprint(metricName: key.metricName, tags: key.tags)).map { slots[$0].window }
    }
}
