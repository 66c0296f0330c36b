import ChurnGuardAnalytics
import ChurnGuardCore
import Foundation

extension InsightGenerator {
    /// Revenue at risk: the latest MRR of customers whose mean churn risk over the last day is
    /// above `riskThreshold`, against the same for the last day of the baseline period
    /// (``RevenueAtRisk``). Reported when any revenue is at risk.
    func revenueAtRisk(_ inputs: InsightInputs, revenue: [String: Double]) -> InsightFinding? {
        guard let risk = inputs.metric(settings.riskMetric), !revenue.isEmpty else { return nil }
        var customers: [String: RevenueAtRisk.Customer] = [:]
        for series in risk.series {
            guard let id = series.tags[settings.customerTag], let mrr = revenue[id], let now = series.lastDayMean else { continue }
            customers[id] = RevenueAtRisk.Customer(id: id, mrr: mrr, risk: now, previousRisk: series.baselineLastDayMean)
        }
        let result = RevenueAtRisk(customers: customers.values.sorted { $0.id < $1.id }, threshold: settings.riskThreshold)
        guard result.atRisk > 0 else { return nil }
        let direction = result.change > 0 ? "up" : result.change < 0 ? "down" : "unchanged"
        return InsightFinding(
            kind: .revenueAtRisk, metricName: settings.riskMetric,
            severity: InsightSeverityRule.forRevenueShare(result.shareOfRevenue), confidence: result.confidence,
            title: "\(HumanFormat.currency(result.atRisk)) of monthly revenue at risk",
            evidence: [
                "mrr_at_risk": .number(result.atRisk), "previous_mrr_at_risk": .number(result.previousAtRisk),
                "change": .number(result.change), "total_mrr": .number(result.totalMRR),
                "share_of_revenue": .number(result.shareOfRevenue), "risk_threshold": .number(result.threshold),
                "customers_at_risk": .number(Double(result.customersAtRisk.count)),
                "previous_customers_at_risk": .number(Double(result.previousCustomerCount)),
                "newly_at_risk": .list(Array(result.newlyAtRisk.prefix(20))),
                "customers": .number(Double(result.customerCount)),
            ],
            variables: [
                "mrr_at_risk": HumanFormat.currency(result.atRisk), "share_percent": HumanFormat.percent(result.shareOfRevenue),
                "customers_at_risk": HumanFormat.grouped(result.customersAtRisk.count),
                "change": HumanFormat.currency(abs(result.change)), "direction": direction,
                "newly_at_risk": HumanFormat.grouped(result.newlyAtRisk.count),
                "threshold": HumanFormat.number(result.threshold), "days": HumanFormat.days(settings.periodDays),
            ],
            revenueImpact: result.atRisk)
    }

    /// Leading indicator: each metric of `leadingMetrics` against the risk metric, daily means
    /// over the history, differenced, lags 1…`maxLagDays` (``LeadingIndicator``); reported when
    /// significant after the Bonferroni correction and |r| ≥ 0.3.
    func leadingIndicators(_ inputs: InsightInputs) -> [InsightFinding] {
        guard let risk = inputs.metric(settings.riskMetric) else { return [] }
        return settings.leadingMetrics.compactMap { name -> InsightFinding? in
            guard let window = inputs.metric(name), window.dailyMeans.count == risk.dailyMeans.count,
                  let found = LeadingIndicator(leading: window.dailyMeans, following: risk.dailyMeans, maxLag: settings.maxLagDays),
                  found.isSignificant(alpha: settings.alpha) else { return nil }
            let relation = found.correlation < 0 ? "falls" : "rises"
            return InsightFinding(
                kind: .leadingIndicator, metricName: name,
                severity: abs(found.correlation) >= 0.6 ? .high : .medium, confidence: found.confidence,
                title: "\(name) leads \(settings.riskMetric) by \(HumanFormat.days(found.lag))",
                evidence: [
                    "following_metric": .text(settings.riskMetric), "lag_days": .number(Double(found.lag)),
                    "correlation": .number(found.correlation), "p_value": .number(found.pValue), "pairs": .number(Double(found.pairs)),
                ],
                variables: [
                    "metric": name, "following": settings.riskMetric, "lag": HumanFormat.days(found.lag),
                    "relation": relation, "correlation": String(format: "%.2f", found.correlation),
                    "p_value": HumanFormat.pValue(found.pValue), "days": HumanFormat.days(found.pairs),
                ])
        }
    }

    /// Threshold breach: every firing alert, one finding per rule's metric and customer (the
    /// worst excess kept), confidence from its excess and firing time (``ThresholdBreach``).
    func thresholdBreaches(_ alerts: [Alert], asOf: Timestamp) -> [InsightFinding] {
        var best: [String: (ThresholdBreach, Alert)] = [:]
        for alert in alerts where alert.state == .firing {
            let since = alert.firedAt ?? alert.startedAt
            let breach = ThresholdBreach(threshold: alert.threshold, value: alert.value, above: alert.condition == .above,
                                         firingSeconds: Double(asOf.microseconds - since.microseconds) / 1_000_000)
            let key = "\(alert.metricName)|\(alert.customerID ?? "")"
            if best[key].map({ breach.excess > $0.0.excess }) ?? true { best[key] = (breach, alert) }
        }
        return best.values.sorted { $0.1.id < $1.1.id }.map { breach, alert in
            InsightFinding(
                kind: .thresholdBreach, metricName: alert.metricName,
                segment: alert.customerID.map { InsightSegment(dimension: settings.customerTag, value: $0) },
                severity: InsightSeverity(rawValue: alert.severity.rawValue) ?? .medium, confidence: breach.confidence,
                title: "\(alert.metricName) is past its threshold",
                evidence: [
                    "alert_id": .text(alert.id), "rule_id": .text(alert.ruleID), "threshold": .number(alert.threshold),
                    "value": .number(alert.value), "condition": .text(alert.condition.rawValue), "excess": .number(breach.excess),
                    "firing_seconds": .number(breach.firingSeconds),
                ],
                variables: [
                    "metric": alert.metricName, "condition": alert.condition.rawValue, "threshold": HumanFormat.number(alert.threshold),
                    "value": HumanFormat.number(alert.value), "excess_percent": HumanFormat.percent(breach.excess),
                    "customer": alert.customerID ?? "", "hours": HumanFormat.number(breach.firingSeconds / 3_600),
                ])
        }
    }
}
