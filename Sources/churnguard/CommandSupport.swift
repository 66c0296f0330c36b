public import ArgumentParser
import ChurnGuardBootstrap
public import ChurnGuardCore
import ChurnGuardStorage
import Foundation

/// Options every command that opens the store shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: config/analytics.yaml when present).")
    var config: String?
}

/// Runs a command body, turning any failure into one line on standard error and exit 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        printError(describe(error))
        throw ExitCode.failure
    }
}

/// One line for a human, without stack traces or type names.
func describe(_ error: any Error) -> String {
    switch error {
    case let error as ServiceError: return error.message
    case let error as ConfigError: return error.description
    case let error as StoreError: return error.description
    default: return "\(error)"
    }
}

/// Writes `message` to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

/// Writes a progress line to standard error when it is a terminal.
func showProgress(_ text: String, done: Bool = false) {
    guard isatty(STDERR_FILENO) == 1 else { return }
    FileHandle.standardError.write(Data("\r\(text)\(done ? "\n" : "")".utf8))
}

/// Encodes `value` as one line of JSON with sorted keys.
func jsonLine(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
}

/// Parses `--org`, naming the option in the error.
func parseOrganization(_ text: String) throws -> OrganizationID {
    guard let id = OrganizationID(text) else { throw ValidationError("--org must be an organization id (a UUID), got '\(text)'") }
    return id
}

extension Tier: ExpressibleByArgument {}
