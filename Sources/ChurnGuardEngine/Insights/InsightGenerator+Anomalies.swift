import ChurnGuardAnalytics
public import ChurnGuardCore

extension InsightGenerator {
    /// Anomaly explained: per metric, the current period's anomalies (customer-level ones when
    /// there are any) with the strongest one
    /// told by its own explanation and what each method said. When at least three anomalies
    /// share one value of a dimension tag for at least 60 % of them, and that value holds at
    /// least 1.5 times its share of the metric's series (a value every series has says
    /// nothing), the insight names that segment (and is identified by it). Severity is the strongest anomaly's; confidence is
    /// ``AnomalyEvidence/confidence`` of the strongest, with the points of them all; the revenue
    /// concerned is the latest MRR of the customers involved.
    func anomaliesExplained(_ inputs: InsightInputs, revenue: [String: Double]) -> [InsightFinding] {
        Dictionary(grouping: inputs.anomalies, by: \.metricName).sorted { $0.key < $1.key }.compactMap { metric, all in
            // Customer-level anomalies tell who is concerned; a metric with only segment- or
            // organization-level ones (their own aggregates) is told by those.
            let customers = all.filter { $0.level == .customer }
            return anomalyFinding(metric: metric, customers.isEmpty ? all : customers,
                                  population: inputs.metric(metric)?.series.map(\.tags) ?? [], revenue: revenue)
        }
    }

    /// Share of one dimension value from which the insight names it, its least lift over the
    /// value's share of the series, and the least anomalies.
    static let concentrationShare = 0.6, concentrationLift = 1.5, concentrationMinimum = 3

    private func anomalyFinding(metric: String, _ group: [Anomaly], population: [[String: String]],
                                revenue: [String: Double]) -> InsightFinding? {
        guard let strongest = group.max(by: { ($0.score, $0.severity, $1.id) < ($1.score, $1.severity, $0.id) }) else { return nil }
        let voters = strongest.methods.filter(\.vote)
        let evidence = AnomalyEvidence(score: strongest.score, voting: voters.count, methods: strongest.methods.count,
                                       peak: strongest.peakValue, expected: strongest.expectedValue, expectedLow: strongest.expectedLow,
                                       expectedHigh: strongest.expectedHigh, points: group.reduce(0) { $0 + $1.anomalousPoints })
        let customers = Set(group.compactMap { $0.tags[settings.customerTag] })
        let segment = concentration(group, population: population)
        let concerned = customers.compactMap { revenue[$0] }
        let revenueImpact = concerned.isEmpty ? nil : concerned.reduce(0, +)
        let scores = strongest.methods.sorted { $0.score > $1.score }
            .map { "\($0.method) \(HumanFormat.number($0.score))\($0.vote ? " (voted)" : "")" }
        var facts: [String: InsightEvidenceValue] = [
            "anomalies": .number(Double(group.count)), "customers": .number(Double(customers.count)),
            "strongest_anomaly_id": .text(strongest.id), "anomaly_ids": .list(group.map(\.id).sorted()),
            "score": .number(evidence.score), "methods_voting": .list(voters.map(\.method)),
            "methods": .list(strongest.methods.map(\.method)), "agreement": .number(evidence.agreement),
            "peak_value": .number(strongest.peakValue), "deviation": .number(evidence.deviation),
            "anomalous_points": .number(Double(evidence.points)), "started_at": .text(strongest.startedAt.description),
        ]
        if let expected = strongest.expectedValue { facts["expected_value"] = .number(expected) }
        var variables = [
            "metric": metric, "anomalies": group.count == 1 ? "1 anomaly" : "\(HumanFormat.grouped(group.count)) anomalies",
            "customers": customers.count == 1 ? "1 customer" : "\(HumanFormat.grouped(customers.count)) customers",
            "days": HumanFormat.days(settings.periodDays), "explanation": strongest.explanation,
            "methods_agreed": strongest.methods.isEmpty ? "the ensemble" : "\(voters.count) of \(strongest.methods.count) methods",
            "method_scores": scores.isEmpty ? "no method scores recorded" : scores.joined(separator: ", "),
        ]
        if let segment {
            facts["share"] = .number(segment.share)
            variables["concentrated"] = "true"
            variables["dimension"] = segment.segment.dimension
            variables["value"] = segment.segment.value
            variables["share_percent"] = HumanFormat.percent(segment.share)
        }
        let place = segment.map { " in \($0.segment.dimension) \($0.segment.value)" } ?? ""
        return InsightFinding(
            kind: .anomalyExplained, metricName: metric, segment: segment?.segment,
            severity: InsightSeverity(rawValue: strongest.severity.rawValue) ?? .medium, confidence: evidence.confidence,
            title: "\(variables["anomalies"] ?? "") in \(metric)\(place)", evidence: facts, variables: variables,
            revenueImpact: revenueImpact)
    }

    /// The dimension value holding most of `group`, when it holds enough of it and more than
    /// its share of `population` (the metric's series' tags; a value no series is known to
    /// carry counts as rare). Dimensions are the tags other than the customer tag; the value
    /// with the highest lift (share ÷ its share of the series) wins, ties by dimension name.
    private func concentration(_ group: [Anomaly], population: [[String: String]]) -> (segment: InsightSegment, share: Double)? {
        guard group.count >= Self.concentrationMinimum else { return nil }
        let dimensions = Set(group.flatMap(\.tags.keys)).subtracting([settings.customerTag]).sorted()
        var best: (segment: InsightSegment, share: Double, lift: Double)?
        for dimension in dimensions {
            guard let top = Concentration.top(group.map { $0.tags[dimension] ?? "" }), !top.value.isEmpty,
                  top.share >= Self.concentrationShare else { continue }
            let carrying = population.filter { $0[dimension] == top.value }.count
            let baseShare = population.isEmpty ? 0 : Double(carrying) / Double(population.count)
            let lift = baseShare > 0 ? top.share / baseShare : .infinity
            guard lift >= Self.concentrationLift, lift > (best?.lift ?? 0) else { continue }
            best = (InsightSegment(dimension: dimension, value: top.value), top.share, lift)
        }
        return best.map { ($0.segment, $0.share) }
    }
}
