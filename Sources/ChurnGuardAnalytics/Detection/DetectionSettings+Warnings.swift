/// Combinations of settings that are accepted but quietly change what runs: a user who sets
/// them by hand (`churnguard detect --set …`) is told, as the research harness's deliberate
/// probation runs still need them.
extension DetectionSettings {
    /// One line per such combination, for a person; empty for the defaults.
    public var warnings: [String] {
        var lines: [String] = []
        if !(sensitivity.isFinite && sensitivity > 0) {
            lines.append("sensitivity \(sensitivity) is not a positive number: the default \(Self.defaultSensitivity) is used")
        }
        if minimumHistory > max(1, window) {
            lines.append("minimum_history (\(minimumHistory)) exceeds window (\(window)): z-score, MAD, IQR and the seasonal "
                + "baseline keep at most window rows of history, so they never judge a row")
        }
        if minimumHistory > max(8, regimeHistory) {
            lines.append("minimum_history (\(minimumHistory)) exceeds regime_history (\(regimeHistory)): the regime detector never judges a row")
        }
        return lines
    }
}
