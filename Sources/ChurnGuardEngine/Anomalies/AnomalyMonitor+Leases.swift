public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import Metrics

/// Lease handling: which series this monitor scores when several monitors share a database
/// (docs/ANOMALY_DETECTION.md, "Several monitors").
extension AnomalyMonitor {
    /// A name unique to this monitor: host, process id and a random suffix (two monitors in one
    /// process, as in tests, differ too).
    static func defaultOwner() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(64)
        return "\(host)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Whether this monitor scores the series `seriesKey` of `organization` (its bucket is held).
    func owns(_ organization: OrganizationID, seriesKey: String) -> Bool {
        guard let held else { return true }
        return held.contains(MonitorBuckets.bucket(organization: organization, seriesKey: seriesKey))
    }

    /// Claims (renews, takes, gives back) the buckets when `force`d or when a third of the
    /// lease has passed since the last claim, so a long run keeps its leases. A change of the
    /// held buckets empties the caches: series taken over are read cold, from their stored
    /// checkpoints (nothing skipped). A failed claim is logged and counted; past the lease's
    /// end the monitor then holds nothing, since another may have taken its buckets.
    func renewLeases(force: Bool, report: inout Report) async {
        guard let leases else { return }
        let current = now()
        let seconds = options.leaseSeconds
        if !force, let lastClaim, current < lastClaim.adding(seconds: max(1, seconds / 3)) { return }
        let previous = held ?? []
        var next = previous
        do {
            let until = current.adding(seconds: seconds)
            let grant = try await leases.claimMonitorBuckets(owner: owner, bucketCount: MonitorBuckets.count, now: current, until: until)
            next = grant.buckets
            heldUntil = until
            lastClaim = current
        } catch is CancellationError {
            return
        } catch {
            report.failures += 1
            Counter(label: MetricNames.anomalyMonitorFailures, dimensions: [("scope", "lease")], factory: factory).increment()
            logger.error("anomaly monitor could not claim its leases; retrying", metadata: ["owner": "\(owner)", "error": "\(error)"])
            if let heldUntil, current >= heldUntil { next = [] }
        }
        guard next != previous else { return }
        let gained = next.subtracting(previous).count, lost = previous.subtracting(next).count
        if gained > 0 { leaseClaims.increment(by: gained) }
        if lost > 0 { leaseLosses.increment(by: lost) }
        leaseBuckets.record(next.count)
        held = next
        cache = [:]
        groupHorizon = [:]
        logger.info("anomaly monitor leases changed", metadata: [
            "owner": "\(owner)", "held": "\(next.count)", "gained": "\(gained)", "lost": "\(lost)",
        ])
    }

    /// Gives back every bucket (graceful stop), so the other monitors take the series over at
    /// their next run rather than after the lease expiry. A failure only delays that.
    public func releaseLeases() async {
        guard let leases, lastClaim != nil else { return }
        do {
            try await leases.releaseMonitorBuckets(owner: owner)
            leaseLosses.increment(by: held?.count ?? 0)
            leaseBuckets.record(0)
            held = []
            lastClaim = nil
        } catch {
            logger.warning("anomaly monitor could not release its leases; they expire on their own",
                           metadata: ["owner": "\(owner)", "error": "\(error)"])
        }
    }
}
