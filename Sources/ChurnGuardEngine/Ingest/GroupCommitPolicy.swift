/// How long the ingest writer lets a group of batches fill before committing it.
public enum GroupCommitPolicy: Sendable {
    /// Commit whatever is queued at once.
    case immediate
    /// The former fixed linger: while the previous group held several batches, wait up to
    /// `window`, checking every `tick`, and stop at the first tick with no new arrival.
    /// Kept for comparison (`database.group_commit: fixed`).
    case fixed(window: Duration, tick: Duration)
    /// Linger only while it pays; see ``AdaptiveGroupCommit``.
    case adaptive(AdaptiveGroupCommit.Settings)

    /// The fixed linger the pipeline used before the adaptive one: 5 ms, 0.5 ms ticks.
    public static let previousFixed = GroupCommitPolicy.fixed(window: .milliseconds(5), tick: .microseconds(500))
    /// The default: adaptive with its default settings.
    public static let defaultAdaptive = GroupCommitPolicy.adaptive(AdaptiveGroupCommit.Settings())
}
