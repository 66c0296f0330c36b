/// What `detect` runs: which methods, with which settings, in which mode.
public struct OfflineDetectOptions: Sendable, Equatable {
    /// Methods of the ensemble (default: `EnsembleDetector.defaultMethods`).
    public var methods: [DetectionMethod] = EnsembleDetector.defaultMethods
    /// Shared settings (sensitivity, voting threshold, windows, gates).
    public var settings = DetectionSettings()
    /// Causal by default; batch on request.
    public var mode: DetectionMode = .causal
    /// The defaults.
    public init() {}
}

/// The offline detection pipeline as pure functions: CSV text in, CSV text out.
public enum OfflineDetect {
    /// The output header.
    public static let header = "timestamp,value,score,is_anomaly,votes"

    /// Parses `csv`, runs the ensemble and formats the result: one output row per input row, in
    /// input order, echoing the original timestamp and value fields. Throws on unreadable input.
    public static func run(csv: String, options: OfflineDetectOptions = .init()) throws(DetectInputError) -> String {
        let input = try DetectInput(csv: csv)
        let results = EnsembleDetector(methods: options.methods, settings: options.settings)
            .detect(input.series, mode: options.mode)
        return format(input, results)
    }

    /// Formats ensemble results as `timestamp,value,score,is_anomaly,votes`; the score has six
    /// decimals, `is_anomaly` is 1 or 0.
    public static func format(_ input: DetectInput, _ results: [EnsemblePoint]) -> String {
        var out = header + "\n"
        out.reserveCapacity(input.timestampTexts.count * 48)
        for i in 0..<min(results.count, input.timestampTexts.count) {
            let r = results[i]
            out += CSVFields.escape(input.timestampTexts[i]) + "," + CSVFields.escape(input.valueTexts[i]) + ","
            out += fixed6(r.score) + "," + (r.isAnomaly ? "1" : "0") + "," + String(r.votes) + "\n"
        }
        return out
    }

    /// A number in [0, 1] with six decimals, without Foundation.
    static func fixed6(_ x: Double) -> String {
        let v = x.isFinite ? min(1, max(0, x)) : 0
        let micro = Int((v * 1_000_000).rounded())
        let whole = micro / 1_000_000
        let frac = String(micro % 1_000_000)
        return "\(whole)." + String(repeating: "0", count: 6 - frac.count) + frac
    }

    /// Parses a comma-separated method list such as `zscore,mad,lof` (case and spaces ignored;
    /// `isolationforest` and `iforest` also name Isolation Forest). A failure names the first
    /// unknown method so a caller can report it; an empty list is a failure too.
    public static func parseMethods(_ text: String) -> Result<[DetectionMethod], UnknownMethod> {
        var methods: [DetectionMethod] = []
        for part in text.split(separator: ",") {
            let name = String(part).trimmingSpaces.lowercased()
            guard let m = DetectionMethod(rawValue: name) ?? (name == "isolationforest" || name == "iforest" ? .isolationForest : nil)
            else { return .failure(UnknownMethod(name: name)) }
            methods.append(m)
        }
        return methods.isEmpty ? .failure(UnknownMethod(name: text)) : .success(methods)
    }

    /// An unknown name in a method list.
    public struct UnknownMethod: Error, Equatable, CustomStringConvertible {
        /// The name as given.
        public let name: String
        /// One line for a person, listing the valid names.
        public var description: String {
            "unknown method '\(name)'; valid: " + DetectionMethod.allCases.map(\.rawValue).joined(separator: ",")
        }
    }
}
