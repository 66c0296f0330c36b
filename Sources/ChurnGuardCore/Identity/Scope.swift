import Foundation

/// What a credential may do. Every `/api/` route requires one scope (see `RouteScopes` in the
/// API module); a key holds any subset, and a token carries its key's scopes.
public enum Scope: String, Sendable, Codable, CaseIterable, Comparable {
    /// Write points.
    case ingest
    /// Every read: point pages, aggregates, the live stream, alerts, anomalies, insights.
    case read
    /// Manage the organization: its API keys, alert rules, notification routes and settings.
    case admin

    /// Every scope: what a key has unless created with fewer, and what keys made before
    /// scopes existed keep.
    public static let all = Set(Scope.allCases)

    public static func < (lhs: Scope, rhs: Scope) -> Bool {
        lhs.order < rhs.order
    }

    private var order: Int {
        switch self {
        case .ingest: 0
        case .read: 1
        case .admin: 2
        }
    }

    /// Parses a comma-separated list such as `ingest,read`.
    /// - Throws: a 422 naming the unknown scope, or an empty list.
    public static func parseList(_ text: String, field: String = "scopes") throws(ServiceError) -> Set<Scope> {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return try parse(names, field: field)
    }

    /// Parses scope names.
    /// - Throws: a 422 naming the unknown scope, or an empty list.
    public static func parse(_ names: [String], field: String = "scopes") throws(ServiceError) -> Set<Scope> {
        var scopes = Set<Scope>()
        for name in names {
            guard let scope = Scope(rawValue: name) else {
                throw ServiceError(.validation, code: "invalid_scope",
                                   message: "\(field): unknown scope '\(name.prefix(64))'; expected some of ingest, read, admin")
            }
            scopes.insert(scope)
        }
        guard !scopes.isEmpty else {
            throw ServiceError(.validation, code: "invalid_scope", message: "\(field): at least one of ingest, read, admin is required")
        }
        return scopes
    }

    /// The stored and displayed form: names in a fixed order, comma-separated.
    public static func format(_ scopes: Set<Scope>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: ",")
    }

    /// Reads the stored form; names this build does not know are ignored, so a newer schema
    /// never makes a key unusable (it only loses what this build cannot check).
    public static func stored(_ text: String) -> Set<Scope> {
        Set(text.split(separator: ",").compactMap { Scope(rawValue: String($0)) })
    }
}
