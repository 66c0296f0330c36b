import ChurnGuardAnalytics
import Synchronization

/// One series' detectors between monitor runs. The monitor hands the slot to the one scan lane
/// that scores the series; the lane takes the state out, steps it through the new rows in place
/// (a moved value: no copy of its windows) and the monitor keeps the result in a new slot.
final class DetectorStateSlot: Sendable {
    private let state: Mutex<EnsembleState?>

    /// A slot holding `state`.
    init(_ state: consuming EnsembleState) {
        self.state = Mutex(Optional(state))
    }

    /// The state, leaving the slot empty (nil when it was taken already).
    func take() -> EnsembleState? {
        state.withLock { $0.take() }
    }
}
