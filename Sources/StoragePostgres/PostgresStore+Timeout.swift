import ChurnGuardStorage
import Synchronization

extension PostgresStore {
    /// Runs `body` and returns its result, or throws ``StoreError/unavailable(_:)`` once
    /// `timeout` has passed, whichever comes first, without waiting for `body` to notice its
    /// cancellation: a connection attempt to a dead server may take longer to give up than
    /// the caller may wait, and the API must answer 503 within the configured timeout.
    func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = TimeoutRace<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                race.start(continuation: continuation, body: body, timeout: timeout)
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }
}

/// The two contenders (the work and the timer) and the one continuation the first of them
/// resumes; the loser is cancelled. `Sendable` through its `Mutex`.
private final class TimeoutRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var result: Result<T, any Error>?
    }

    private let state = Mutex(State())

    func start(continuation: CheckedContinuation<T, any Error>, body: @escaping @Sendable () async throws -> T, timeout: Duration) {
        let work = Task { [self] in
            do { finish(.success(try await body())) } catch { finish(.failure(error)) }
        }
        let timer = Task { [self] in
            do {
                try await Task.sleep(for: timeout)
                finish(.failure(StoreError.unavailable("PostgreSQL did not answer within \(timeout)")))
            } catch {}
        }
        let early = state.withLock { state -> Result<T, any Error>? in
            state.tasks = [work, timer]
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let early {
            work.cancel()
            timer.cancel()
            continuation.resume(with: early)
        }
    }

    /// Records the first outcome, resumes the caller with it and cancels both tasks.
    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.result == nil else { return (nil, []) }
            state.result = result
            let continuation = state.continuation
            state.continuation = nil
            return (continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
