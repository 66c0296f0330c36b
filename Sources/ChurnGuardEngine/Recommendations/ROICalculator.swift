public import ChurnGuardCore
import Foundation

/// Prices a fired rule (docs/RECOMMENDATIONS.md, "ROI"): the affected customers are the
/// target's customers with churn risk at least the rule's `min_churn_risk` and revenue above 0;
///
///     months        = horizon_days / 30
///     revenue_at_risk = Σ mrr × months × churn_risk         (over the affected customers)
///     saved_revenue   = revenue_at_risk × effect             (effect: relative churn reduction)
///     cost            = fixed + per_customer × affected
///     roi             = (saved_revenue − cost) / cost
///
/// for the rule's low, expected and high effect; the expected value (the ranking key) is the
/// expected saved revenue minus the cost.
public enum ROICalculator {
    /// The customers of `snapshot` the rule acts on, highest revenue at risk first.
    public static func affected(_ snapshot: [CustomerSnapshot], minimumRisk: Double) -> [CustomerSnapshot] {
        snapshot.filter { $0.churnRisk >= minimumRisk && $0.mrr > 0 && $0.churnRisk.isFinite && $0.mrr.isFinite }
            .sorted { ($0.mrr * $0.churnRisk, $1.id) > ($1.mrr * $1.churnRisk, $0.id) }
    }

    /// The estimate for `customers` under `rule` with `effect` as its expected effect (the
    /// rule's own, or its learned one).
    public static func estimate(rule: RecommendationRule, effect: EffectRange, customers: [CustomerSnapshot], currency: String,
                                revenueMetric: String, riskMetric: String) -> ROIEstimate {
        let months = Double(rule.horizonDays) / 30
        let atRisk = customers.reduce(0) { $0 + $1.mrr * months * $1.churnRisk }
        let cost = rule.fixedCost + rule.costPerCustomer * Double(customers.count)
        func figures(_ share: Double) -> ROIFigures {
            let saved = atRisk * share
            return ROIFigures(revenueAtRisk: rounded(atRisk), savedRevenue: rounded(saved), cost: rounded(cost),
                              roi: cost > 0 ? rounded((saved - cost) / cost, places: 4) : 0)
        }
        let assumptions = [
            "churn probability over the \(rule.horizonDays)-day horizon = each customer's latest \(riskMetric)",
            "monthly revenue = each customer's latest \(revenueMetric); a customer who churns loses it for the whole horizon (\(formatted(months)) months)",
            "affected customers: \(customers.count) with \(riskMetric) ≥ \(formatted(rule.minimumChurnRisk)) and \(revenueMetric) > 0"
                + (rule.target.segment.map { " in \($0.dimension) \($0.value)" } ?? ""),
            "the action reduces churn probability by \(percent(effect.expected)) (low \(percent(effect.low)), high \(percent(effect.high)))",
            "cost = \(formatted(rule.fixedCost)) fixed + \(formatted(rule.costPerCustomer)) per customer, in \(currency)",
        ]
        return ROIEstimate(currency: currency, horizonDays: rule.horizonDays, revenueMetric: revenueMetric, expected: figures(effect.expected),
                           low: figures(effect.low), high: figures(effect.high), assumptions: assumptions)
    }

    static func rounded(_ value: Double, places: Double = 2) -> Double {
        guard value.isFinite else { return 0 }
        let scale = pow(10, places)
        return (value * scale).rounded() / scale
    }

    static func formatted(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(format: "%.2f", value)
    }

    static func percent(_ share: Double) -> String { "\(formatted((share * 10_000).rounded() / 100))%" }
}
