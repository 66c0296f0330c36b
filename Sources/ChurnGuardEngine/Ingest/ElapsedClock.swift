/// A `Clock<Duration>` of any type behind two closures: time elapsed since creation, and sleep.
///
/// The pipeline takes its clock as `any Clock<Duration>` so tests can pass a manual clock;
/// opening the existential once here keeps the pipeline free of generic parameters.
struct ElapsedClock: Sendable {
    /// Time since this value was created, on the wrapped clock.
    let elapsed: @Sendable () -> Duration
    /// Sleeps `duration` on the wrapped clock; throws when cancelled.
    let sleep: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleep = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil) }
    }
}
