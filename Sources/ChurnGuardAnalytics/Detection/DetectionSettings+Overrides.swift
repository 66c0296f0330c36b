/// Named overrides of `DetectionSettings` (`--set cooldown=300`): one place that maps a setting's
/// configuration name to its field, so the CLI, the cross-validation harness (`scripts/nab-cv`)
/// and configuration code can all change any knob without one flag per field.
extension DetectionSettings {
    /// Every name `set(_:to:)` accepts, in a stable order (for help texts and error messages).
    public static let overrideNames: [String] = [
        "sensitivity", "voting_threshold", "window", "minimum_history", "minimum_absolute_change",
        "relative_scale_floor", "absolute_scale_floor", "cooldown", "rarity_quantile", "rarity_window",
        "rarity_margin", "rarity_warmup", "regime_window", "regime_history", "regime_short_history", "regime_threshold", "seasonal.period", "seasonal.bucket_width", "seasonal.values_per_bucket",
        "seasonal.minimum_bucket_values", "seasonal.minimum_cycles", "seasonal.weekly",
        "multivariate.training_window", "multivariate.refit_interval", "multivariate.trees",
        "multivariate.max_samples", "multivariate.neighbors", "multivariate.seed",
    ] + DetectionMethod.allCases.map { "solo." + $0.rawValue } + DetectionMethod.allCases.map { "ungated." + $0.rawValue }

    /// Sets the setting called `name` to `value`. Counts are rounded and clamped into Int range;
    /// flags read 0 as off and anything else as on. Fails, changing nothing, on an unknown name
    /// or a non-finite value. `solo.<method>=1` adds a method to `soloMethods`, `ungated.<method>=1` to `ungatedMethods` (0 removes it).
    public mutating func set(_ name: String, to value: Double) -> Result<Void, SettingOverrideError> {
        guard value.isFinite else { return .failure(.notANumber(name: name, text: String(value))) }
        let count = Self.count(value)
        switch name {
        case "sensitivity": sensitivity = value
        case "voting_threshold": votingThreshold = count
        case "window": window = count
        case "minimum_history": minimumHistory = count
        case "minimum_absolute_change": minimumAbsoluteChange = value
        case "relative_scale_floor": relativeScaleFloor = value
        case "absolute_scale_floor": absoluteScaleFloor = value
        case "cooldown": cooldown = count
        case "rarity_quantile": rarityQuantile = value
        case "rarity_window": rarityWindow = count
        case "rarity_margin": rarityMargin = value
        case "rarity_warmup": rarityWarmup = count
        case "regime_window": regimeWindow = count
        case "regime_history": regimeHistory = count
        case "regime_short_history": regimeShortHistory = count
        case "regime_threshold": regimeThreshold = value
        case "seasonal.period": seasonal.period = value
        case "seasonal.bucket_width": seasonal.bucketWidth = value
        case "seasonal.values_per_bucket": seasonal.valuesPerBucket = count
        case "seasonal.minimum_bucket_values": seasonal.minimumBucketValues = count
        case "seasonal.minimum_cycles": seasonal.minimumCycles = value
        case "seasonal.weekly": seasonal.weekly = value != 0
        case "multivariate.training_window": multivariate.trainingWindow = count
        case "multivariate.refit_interval": multivariate.refitInterval = count
        case "multivariate.trees": multivariate.trees = count
        case "multivariate.max_samples": multivariate.maxSamples = count
        case "multivariate.neighbors": multivariate.neighbors = count
        case "multivariate.seed": multivariate.seed = UInt64(max(0, min(value, 9.0e18)))
        default:
            if name.hasPrefix("solo."), let method = DetectionMethod(rawValue: String(name.dropFirst(5))) {
                if value != 0 { soloMethods.insert(method) } else { soloMethods.remove(method) }
            } else if name.hasPrefix("ungated."), let method = DetectionMethod(rawValue: String(name.dropFirst(8))) {
                if value != 0 { ungatedMethods.insert(method) } else { ungatedMethods.remove(method) }
            } else {
                return .failure(.unknownName(name))
            }
        }
        return .success(())
    }

    /// Applies one `name=value` text (spaces around either side ignored).
    public mutating func apply(_ assignment: String) -> Result<Void, SettingOverrideError> {
        let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .failure(.malformed(assignment)) }
        let name = String(parts[0]).trimmingSpaces.lowercased()
        let text = String(parts[1]).trimmingSpaces
        guard let value = Double(text), value.isFinite else { return .failure(.notANumber(name: name, text: text)) }
        return set(name, to: value)
    }

    /// A count from a finite double: rounded, clamped into Int range.
    private static func count(_ value: Double) -> Int {
        let r = value.rounded()
        if r >= 9.0e18 { return Int.max }
        if r <= -9.0e18 { return Int.min }
        return Int(r)
    }
}

/// Why a named setting override was refused.
public enum SettingOverrideError: Error, Equatable, CustomStringConvertible {
    /// No setting has this name.
    case unknownName(String)
    /// The text is not `name=value`.
    case malformed(String)
    /// The value is not a finite number.
    case notANumber(name: String, text: String)

    /// One line for a person.
    public var description: String {
        switch self {
        case let .unknownName(name):
            "unknown setting '\(name)'; valid: " + DetectionSettings.overrideNames.joined(separator: ",")
        case let .malformed(text): "expected name=value, got '\(text)'"
        case let .notANumber(name, text): "setting '\(name)' needs a finite number, got '\(text)'"
        }
    }
}
