/// One customer of a recommendation's target as of a run: the latest churn risk and revenue
/// and the tags (segment, plan) outcome tracking matches controls on.
public struct CustomerSnapshot: Sendable, Hashable {
    /// The customer's id (the customer tag's value).
    public var id: String
    /// Latest churn risk, read as the churn probability over the horizon, in [0, 1].
    public var churnRisk: Double
    /// Latest monthly recurring revenue.
    public var mrr: Double
    /// The tags of the customer's latest risk point.
    public var tags: [String: String]

    /// Creates a snapshot.
    public init(id: String, churnRisk: Double, mrr: Double, tags: [String: String] = [:]) {
        self.id = id
        self.churnRisk = churnRisk
        self.mrr = mrr
        self.tags = tags
    }
}
