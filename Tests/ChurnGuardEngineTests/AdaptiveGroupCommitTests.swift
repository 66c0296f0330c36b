import ChurnGuardEngine
import Testing

@Suite("Adaptive group commit (decision)")
struct AdaptiveGroupCommitTests {
    func policy(commits: [Duration], configure: (inout AdaptiveGroupCommit.Settings) -> Void = { _ in }) -> AdaptiveGroupCommit {
        var settings = AdaptiveGroupCommit.Settings()
        configure(&settings)
        var policy = AdaptiveGroupCommit(settings: settings)
        for duration in commits { policy.recordCommit(duration: duration) }
        return policy
    }

    func linger(_ policy: AdaptiveGroupCommit, queued: Int, previous: Int, points: Int? = nil) -> AdaptiveGroupCommit.Linger? {
        policy.linger(queuedBatches: queued, queuedPoints: points ?? queued, previousGroupBatches: previous, maxPointsPerCommit: 50_000)
    }

    @Test("a lone client or a few writers never wait")
    func fewWritersCommitAtOnce() {
        let policy = policy(commits: [.milliseconds(1)])
        #expect(linger(policy, queued: 1, previous: 1) == nil)
        #expect(linger(policy, queued: 1, previous: 3) == nil, "fewer than commit_siblings (4) active")
        #expect(linger(policy, queued: 0, previous: 20) == nil, "nothing to commit")
    }

    @Test("with many writers it lingers for a multiple of the average commit, until the previous group's size is queued")
    func lingersWithManyWriters() {
        let policy = policy(commits: [.milliseconds(1)])
        #expect(linger(policy, queued: 5, previous: 20) == AdaptiveGroupCommit.Linger(duration: .milliseconds(3), targetBatches: 20),
                "three times the average commit by default")
        let half = self.policy(commits: [.milliseconds(1)]) { $0.commitDelayFactor = 0.5 }
        #expect(linger(half, queued: 5, previous: 20)?.duration == .microseconds(500))
    }

    @Test("once as many batches are queued as the previous group held, it commits at once")
    func enoughQueued() {
        let policy = policy(commits: [.milliseconds(1)])
        #expect(linger(policy, queued: 20, previous: 20) == nil)
        #expect(linger(policy, queued: 30, previous: 20) == nil)
    }

    @Test("no linger before any commit was measured, nor with a full commit's worth of points queued")
    func boundaries() {
        #expect(linger(policy(commits: []), queued: 5, previous: 20) == nil)
        #expect(linger(policy(commits: [.milliseconds(1)]), queued: 5, previous: 20, points: 50_000) == nil)
    }

    @Test("the linger is capped by maxDelay")
    func capped() {
        let slowDisk = policy(commits: [.milliseconds(40)])
        #expect(linger(slowDisk, queued: 5, previous: 20)?.duration == .milliseconds(5))
    }

    @Test("the average follows recent commits with the configured weight")
    func average() {
        var policy = AdaptiveGroupCommit()
        policy.recordCommit(duration: .milliseconds(1))
        #expect(policy.averageCommit == .milliseconds(1), "the first commit sets the average")
        policy.recordCommit(duration: .milliseconds(6))
        // 0.2 × 6 ms + 0.8 × 1 ms = 2 ms
        #expect(abs((policy.averageCommit - .milliseconds(2)) / .nanoseconds(1)) < 10)
        for _ in 0..<100 { policy.recordCommit(duration: .microseconds(300)) }
        #expect(abs((policy.averageCommit - .microseconds(300)) / .nanoseconds(1)) < 1000)
    }
}
