public import ChurnGuardEngine
public import Logging

/// A log handler that writes through `inner` and hands every `error` and `critical` record to
/// ``OperatorAlerts`` (`monitoring.alert_on_errors`).
public struct OperatorAlertLogHandler: LogHandler {
    var inner: any LogHandler
    let label: String
    let alerts: OperatorAlerts

    /// Wraps `inner` (the handler of the logger `label`).
    public init(inner: any LogHandler, label: String, alerts: OperatorAlerts = .shared) {
        self.inner = inner
        self.label = label
        self.alerts = alerts
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        inner.log(event: event)
        if event.level >= .error {
            alerts.report(level: event.level, label: label, message: event.message.description,
                          metadata: inner.metadata.merging(event.metadata ?? [:]) { $1 })
        }
    }
}
