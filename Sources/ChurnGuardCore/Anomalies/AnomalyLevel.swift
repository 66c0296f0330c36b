/// What a watched series covers: one stored series (a customer's), one value of a configured
/// dimension (a segment or plan: the mean of its points per hour), or the whole organization
/// (the mean of all the metric's points per hour). See docs/ANOMALY_DETECTION.md, "Levels".
public enum AnomalyLevel: String, Sendable, Hashable, CaseIterable, Codable {
    /// One stored series: the metric with its full tag set.
    case customer
    /// One group of a dimension tag (e.g. `segment=smb`), from the hourly dimension rollups.
    case segment
    /// The metric across the organization, from the hourly rollups.
    case organization

    /// The text a series key of this level starts with (nothing for customer series, whose
    /// keys are those of alerts).
    public var keyPrefix: String { self == .customer ? "" : rawValue + ":" }
}
