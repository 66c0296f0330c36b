import ArgumentParser
import ChurnGuardAnalytics
import Foundation

/// `churnguard detect FILE`: offline anomaly detection on a `timestamp,value` CSV (the NAB format).
/// Runs the ensemble causally (each row judged only on rows up to it) unless `--batch` is given,
/// and writes one row per input row, in input order: `timestamp,value,score,is_anomaly,votes`.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Score a timestamp,value CSV for anomalies with the detector ensemble.",
        discussion: """
        Timestamps may be 'YYYY-MM-DD HH:MM:SS' (read as UTC), RFC 3339 or epoch seconds.
        score is in [0, 1]; is_anomaly is 1 when at least the voting threshold of methods vote
        (score >= 0.5 is the same rule); votes counts the methods that voted.
        """
    )

    @Argument(help: "CSV file with timestamp and value columns ('-' reads standard input).")
    var file: String

    @Option(help: "Comma-separated methods: zscore,mad,iqr,seasonal,isolation_forest,lof,regime (default: all but isolation_forest).")
    var methods: String?

    @Option(help: "Threshold scale shared by every method; larger means fewer detections (default: 1.75).")
    var sensitivity: Double?

    @Option(help: "Methods that must vote for a row to be anomalous (default: 2).")
    var votingThreshold: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one detection setting, name=value (repeatable), e.g. --set cooldown=300.",
        discussion: "Names: " + DetectionSettings.overrideNames.joined(separator: ", ")))
    var overrides: [String] = []

    @Option(help: "Write the result here instead of standard output.")
    var output: String?

    @Flag(help: "Batch mode: use the whole series as the baseline (rows may depend on later rows).")
    var batch = false

    func validate() throws {
        if let sensitivity, !(sensitivity.isFinite && sensitivity > 0) {
            throw Self.fail("--sensitivity must be a positive number, got \(sensitivity)", code: .validationFailure)
        }
        if let votingThreshold, votingThreshold < 1 {
            throw Self.fail("--voting-threshold must be at least 1, got \(votingThreshold)", code: .validationFailure)
        }
        if let methods, case let .failure(error) = OfflineDetect.parseMethods(methods) {
            throw Self.fail(error.description, code: .validationFailure)
        }
        var scratch = DetectionSettings()
        for assignment in overrides {
            if case let .failure(error) = scratch.apply(assignment) {
                throw Self.fail("--set: \(error.description)", code: .validationFailure)
            }
        }
    }

    func run() async throws {
        var options = OfflineDetectOptions()
        if let methods, case let .success(parsed) = OfflineDetect.parseMethods(methods) { options.methods = parsed }
        for assignment in overrides { _ = options.settings.apply(assignment) }
        if let sensitivity { options.settings.sensitivity = sensitivity }
        if let votingThreshold { options.settings.votingThreshold = votingThreshold }
        options.mode = batch ? .batch : .causal
        for warning in options.settings.warnings {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }

        let text: String
        do {
            if file == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                text = try String(contentsOfFile: file, encoding: .utf8)
            }
        } catch {
            throw Self.fail("cannot read \(file): \(Self.reason(error))")
        }

        let result: String
        do {
            result = try OfflineDetect.run(csv: text, options: options)
        } catch {
            throw Self.fail("\(file): \(error.description)")
        }

        if let output {
            do {
                try result.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw Self.fail("cannot write \(output): \(Self.reason(error))")
            }
        } else {
            FileHandle.standardOutput.write(Data(result.utf8))
        }
    }

    /// Prints one line on standard error and returns the exit code to throw: 1 for a file or
    /// data problem, 64 (EX_USAGE) for a bad option.
    private static func fail(_ message: String, code: ExitCode = .failure) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return code
    }

    /// The short, path-free reason of a Foundation file error.
    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
            case NSFileReadInapplicableStringEncodingError: return "not valid UTF-8 text"
            default: break
            }
        }
        return ns.localizedDescription
    }
}
