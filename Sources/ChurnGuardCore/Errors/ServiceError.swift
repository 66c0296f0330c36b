/// A failure that is safe to show to the caller: a stable code, a message and, for
/// validation, one detail per offending field.
///
/// The API maps ``Kind`` to an HTTP status in one place; nothing else in the code base
/// decides statuses. Messages never carry SQL, secrets or another tenant's data.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure, which decides the HTTP status.
    public enum Kind: Sendable, Equatable {
        /// The request could not be parsed (400).
        case malformed
        /// No or bad credentials (401).
        case unauthorized
        /// Authenticated but not allowed (403).
        case forbidden
        /// The thing asked for does not exist for this organization (404).
        case notFound
        /// A unique name or key already exists (409).
        case conflict
        /// The body is larger than the configured limit (413).
        case payloadTooLarge
        /// Well-formed input that breaks a rule; see details (422).
        case validation
        /// Too many requests; try again after the given seconds (429).
        case rateLimited(retryAfterSeconds: Int)
        /// A backend is down or overloaded; nothing acknowledged was lost (503).
        case unavailable(retryAfterSeconds: Int?)
    }

    /// Decides the HTTP status.
    public var kind: Kind
    /// Stable, machine-readable code such as `validation_failed`.
    public var code: String
    /// One sentence for a human.
    public var message: String
    /// Per-field problems, for validation errors.
    public var details: [ErrorDetail]

    /// Creates an error.
    public init(_ kind: Kind, code: String, message: String, details: [ErrorDetail] = []) {
        self.kind = kind
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }
}

/// One problem with one field of one item of a request.
public struct ErrorDetail: Sendable, Hashable, Codable {
    /// Position of the item in the batch, when the request holds a list.
    public var index: Int?
    /// The field, e.g. `value` or `tags.customer_id`.
    public var field: String
    /// What is wrong with it.
    public var message: String

    /// Creates a detail.
    public init(index: Int? = nil, field: String, message: String) {
        self.index = index
        self.field = field
        self.message = message
    }
}
