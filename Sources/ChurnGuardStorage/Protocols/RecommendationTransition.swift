public import ChurnGuardCore

/// A change of a stored recommendation's state, applied the same way by every backend
/// (``Recommendation/applying(_:)``).
public enum RecommendationTransition: Sendable, Equatable {
    /// Accept it for these customers (every affected customer when empty), with a note.
    case accept(customers: [String], note: String?, at: Timestamp)
    /// Dismiss it for a reason.
    case dismiss(reason: String, at: Timestamp)
    /// Record its measured outcome (accepted ones only).
    case outcome(RecommendationOutcome)
}

extension Recommendation {
    /// The recommendation after `transition`. Accepting an accepted one or dismissing a
    /// dismissed one changes nothing (a retried request is harmless).
    /// - Throws: `StoreError.conflict` for accepting a dismissed one, dismissing an accepted
    ///   one, or an outcome for one not accepted.
    public func applying(_ transition: RecommendationTransition) throws(StoreError) -> Recommendation {
        var next = self
        switch transition {
        case .accept(let customers, let note, let time):
            switch status {
            case .accepted: return self
            case .dismissed: throw StoreError.conflict("recommendation \(id) is dismissed")
            case .open:
                next.status = .accepted
                next.acceptedAt = time
                next.treatedCustomers = customers.isEmpty ? self.customers : customers
                next.acceptNote = note
                next.updatedAt = time
            }
        case .dismiss(let reason, let time):
            switch status {
            case .dismissed: return self
            case .accepted: throw StoreError.conflict("recommendation \(id) is accepted")
            case .open:
                next.status = .dismissed
                next.dismissedAt = time
                next.dismissReason = reason
                next.updatedAt = time
            }
        case .outcome(let outcome):
            guard status == .accepted else { throw StoreError.conflict("recommendation \(id) is not accepted") }
            next.outcome = outcome
            next.updatedAt = max(updatedAt, outcome.evaluatedAt)
        }
        return next
    }

    /// The stored recommendation after a run found it again as `draft`: an open one takes the
    /// draft's content, keeping its id and creation time; a decided one stays as it is.
    public func refreshed(by draft: Recommendation) -> Recommendation {
        guard status == .open else { return self }
        var next = draft
        next.id = id
        next.organization = organization
        next.createdAt = createdAt
        return next
    }
}
