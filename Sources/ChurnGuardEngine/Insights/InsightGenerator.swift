public import ChurnGuardCore
import ChurnGuardAnalytics

/// Turns one organization's ``InsightInputs`` into findings: a pure function (no I/O, no
/// clock), one rule per kind (docs/INSIGHTS.md), each built on the tested statistics of
/// `ChurnGuardAnalytics`. Findings below the confidence threshold are dropped; the rest are
/// ranked by severity × confidence × revenue impact and cut to the organization's maximum.
public struct InsightGenerator: Sendable {
    /// The rules' settings.
    public let settings: InsightSettings

    /// A generator with `settings`.
    public init(settings: InsightSettings) {
        self.settings = settings
    }

    /// Every finding of `inputs` at or above the confidence threshold, best first.
    public func findings(_ inputs: InsightInputs) -> [InsightFinding] {
        var all: [InsightFinding] = []
        let revenue = customerRevenue(inputs)
        for window in inputs.metrics where window.metricName != settings.revenueMetric {
            if let finding = periodChange(window) { all.append(finding) }
            if let finding = trendChange(window) { all.append(finding) }
            all += segmentContributions(window, revenue: revenue)
        }
        if let finding = revenueAtRisk(inputs, revenue: revenue) { all.append(finding) }
        all += leadingIndicators(inputs)
        all += thresholdBreaches(inputs.firingAlerts, asOf: inputs.asOf)
        all += anomaliesExplained(inputs, revenue: revenue)
        let shown = all.filter { $0.confidence.isFinite && $0.confidence >= settings.confidenceThreshold }
        return Array(shown.sorted(by: Self.ranksBefore).prefix(max(0, settings.maxPerOrganization)))
    }

    /// Severity weight × confidence × revenue factor, as ``Insight/rankScore``; ties by kind,
    /// metric and segment so the order is stable.
    static func ranksBefore(_ a: InsightFinding, _ b: InsightFinding) -> Bool {
        let (ra, rb) = (score(a), score(b))
        if ra != rb { return ra > rb }
        return (a.kind.rawValue, a.metricName, a.segment?.value ?? "") < (b.kind.rawValue, b.metricName, b.segment?.value ?? "")
    }

    static func score(_ finding: InsightFinding) -> Double {
        Insight.rankScore(severity: finding.severity, confidence: finding.confidence, revenueImpact: finding.revenueImpact)
    }

    /// Latest MRR per customer, from the revenue metric's series.
    func customerRevenue(_ inputs: InsightInputs) -> [String: Double] {
        guard let window = inputs.metric(settings.revenueMetric) else { return [:] }
        var revenue: [String: Double] = [:]
        for series in window.series {
            guard let customer = series.tags[settings.customerTag], let latest = series.latest, latest.isFinite else { continue }
            revenue[customer] = latest
        }
        return revenue
    }
}
