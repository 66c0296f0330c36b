/// The monthly recurring revenue of customers whose churn risk is above a threshold, now and
/// at the start of the comparison, and which customers crossed it.
public struct RevenueAtRisk: Sendable, Equatable {
    /// One customer's revenue and churn risk at both times.
    public struct Customer: Sendable, Equatable {
        public var id: String
        /// Monthly recurring revenue (its latest value).
        public var mrr: Double
        /// Churn risk now and at the start of the comparison (`nil` when not known then).
        public var risk: Double, previousRisk: Double?
        /// Creates a customer's figures.
        public init(id: String, mrr: Double, risk: Double, previousRisk: Double?) {
            self.id = id
            self.mrr = mrr
            self.risk = risk
            self.previousRisk = previousRisk
        }
    }

    /// The risk above which (strictly) a customer's revenue is at risk.
    public let threshold: Double
    /// MRR of the customers above the threshold now, and at the start.
    public let atRisk: Double, previousAtRisk: Double
    /// MRR of every customer with a finite MRR.
    public let totalMRR: Double
    /// Customers above the threshold now, and how many were before.
    public let customersAtRisk: [String]
    public let previousCustomerCount: Int
    /// Customers above the threshold now and not at the start (sorted by MRR, largest first).
    public let newlyAtRisk: [String]
    /// Customers considered (finite MRR and risk).
    public let customerCount: Int

    /// atRisk − previousAtRisk.
    public var change: Double { atRisk - previousAtRisk }
    /// atRisk / totalMRR (0 without revenue).
    public var shareOfRevenue: Double { totalMRR > 0 ? atRisk / totalMRR : 0 }

    /// Sums the revenue of customers whose risk is above `threshold`. Customers with a
    /// non-finite MRR or risk are left out; an unknown previous risk counts as not at risk then.
    public init(customers: [Customer], threshold: Double) {
        let usable = customers.filter { $0.mrr.isFinite && $0.risk.isFinite }
        self.threshold = threshold
        let now = usable.filter { $0.risk > threshold }
        let before = usable.filter { ($0.previousRisk ?? -.infinity) > threshold }
        atRisk = now.reduce(0) { $0 + $1.mrr }
        previousAtRisk = before.reduce(0) { $0 + $1.mrr }
        totalMRR = usable.reduce(0) { $0 + $1.mrr }
        customersAtRisk = now.map(\.id).sorted()
        previousCustomerCount = before.count
        newlyAtRisk = now.filter { ($0.previousRisk ?? -.infinity) <= threshold }
            .sorted { ($0.mrr, $1.id) > ($1.mrr, $0.id) }.map(\.id)
        customerCount = usable.count
    }

    /// Confidence: a count, not a test. p is taken as 0 (the sums are exact); the support is the
    /// number of customers at risk and the effect the at-risk share of revenue in units of 10 %.
    public var confidence: Double {
        InsightConfidence.score(pValue: customersAtRisk.isEmpty ? 1 : 0, sampleSize: customersAtRisk.count,
                                effectSize: shareOfRevenue * 10)
    }
}
