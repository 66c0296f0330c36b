/// Settings of the real-time engine (`real_time_engine.*` in the configuration).
public struct RealtimeOptions: Sendable {
    /// Points kept per live series window (`max_points_per_metric`).
    public var maxPointsPerSeries = 10_000
    /// Live series one organization may have; points of further series are not windowed and
    /// each refused series is counted (`max_series_per_organization`).
    public var maxSeriesPerOrganization = 10_000
    /// Seconds between evictions of idle series; a series with no point for this long is
    /// evicted (`cleanup_interval_seconds`).
    public var cleanupIntervalSeconds = 300
    /// Seconds between statistics pushes to stream subscribers and performance log lines
    /// (`processing_interval_seconds`).
    public var processingIntervalSeconds = 1
    /// Whether to log the engine's throughput and cost each interval (`performance_logging`).
    public var performanceLogging = true
    /// How far back from each metric's newest point the windows are rebuilt at start-up
    /// (`rebuild_horizon_seconds`).
    public var rebuildHorizonSeconds = 86_400
    /// Most points read per metric and organization while rebuilding (a budget, so one
    /// enormous metric cannot hold start-up up for long).
    public var rebuildMaxPointsPerMetric = 1_000_000
    /// Unread commit events the engine's bus subscription holds before dropping the oldest.
    public var eventBufferCapacity = 16_384

    /// The defaults.
    public init() {}
}
