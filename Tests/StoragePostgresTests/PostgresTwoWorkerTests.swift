import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import StoragePostgres
import Testing

@Suite("Two workers on one PostgreSQL", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresTwoWorkerTests {
    @Test("two workers with their own connection pools never fold a point twice")
    func twoWorkers() async throws {
        try await TestDatabase.withFreshDatabase { first, options in
            _ = try await first.migrate()
            let second = try PostgresStore.open(options, logger: TestDatabase.logger)
            let org = OrganizationID.random()
            let start = Timestamp(seconds: 1_795_939_200)
            let points = (0..<3000).map { index in
                MetricPoint(metricName: "logins", timestamp: start.adding(seconds: Int64(index % 900) * 240), value: Double(index % 17))
            }
            try await first.append([PointBatch(organization: org, points: points)])
            do {
                let folded = try await withThrowingTaskGroup(of: Int.self) { workers in
                    for store in [first, second, first, second] {
                        workers.addTask {
                            var total = 0
                            while true {
                                let batch = try await store.rollUp(maxPoints: 101)
                                if batch == 0 { return total }
                                total += batch
                            }
                        }
                    }
                    return try await workers.reduce(0, +)
                }
                #expect(folded == points.count)
                let hours = try await second.rollups(metricName: "logins", resolution: .hour, from: nil, to: nil, limit: 1000, organization: org)
                #expect(hours.map(\.aggregate.count).reduce(0, +) == Int64(points.count))
                let expectedSum = points.reduce(0) { $0 + $1.value }
                let sum = hours.map(\.aggregate.sum).reduce(0, +)
                #expect(abs(sum - expectedSum) < 1e-6)
            } catch {
                await second.shutdown()
                throw error
            }
            await second.shutdown()
        }
    }
}
