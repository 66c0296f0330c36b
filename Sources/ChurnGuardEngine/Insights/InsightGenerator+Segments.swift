import ChurnGuardAnalytics
import ChurnGuardCore

extension InsightGenerator {
    /// Segment contribution: for every dimension tag (a tag with 2…`maxDimensionValues`
    /// values), the metric's total in the current period against the baseline per tag value
    /// (``SegmentContribution``). A value is a driver when it holds at least half the change and
    /// at least 15 points more than its share of the baseline; its customers' relative changes
    /// are then tested against the other customers' (Welch), which gives the p-value, sample and
    /// effect of its confidence. A dimension whose change is spread over every value yields one
    /// finding without a segment, marked `broad`. Nothing is explained unless the metric changed
    /// at all: the customers' paired changes (current − baseline totals) must have a mean other
    /// than zero (one-sample t-test, p < α), so noise is never attributed to a segment.
    func segmentContributions(_ window: MetricWindow, revenue: [String: Double]) -> [InsightFinding] {
        guard let overall = PairedShift(differences: window.series.map { $0.currentSum - $0.baselineSum }),
              overall.pValue < settings.alpha else { return [] }
        let totals = dimensionTotals(window.series)
        var findings: [InsightFinding] = []
        var broadDimensions: [String] = []
        var broadChange = 0.0, broadBaseline = 0.0
        for breakdown in SegmentContribution.analyse(totals) {
            if breakdown.isBroad() {
                broadDimensions.append(breakdown.dimension)
                broadChange = breakdown.totalChange
                broadBaseline = breakdown.shares.reduce(0) { $0 + $1.baseline }
                continue
            }
            guard let driver = breakdown.driver() else { continue }
            let inside = window.series.filter { $0.tags[driver.dimension] == driver.value }.compactMap(\.relativeChange)
            let outside = window.series.filter { $0.tags[driver.dimension] != driver.value }.compactMap(\.relativeChange)
            guard let test = PeriodShift(previous: outside, current: inside), test.pValue < settings.alpha else { continue }
            let confidence = SegmentContribution.confidence(of: driver, pValue: test.pValue, sampleSize: inside.count + outside.count)
            let segmentRevenue = window.series.filter { $0.tags[driver.dimension] == driver.value }
                .compactMap { $0.tags[settings.customerTag] }.reduce(into: Set<String>()) { $0.insert($1) }
                .reduce(0.0) { $0 + (revenue[$1] ?? 0) }
            let relative = driver.relativeChange ?? 0
            let direction = breakdown.totalChange < 0 ? "drop" : "rise"
            findings.append(InsightFinding(
                kind: .segmentContribution, metricName: window.metricName,
                segment: InsightSegment(dimension: driver.dimension, value: driver.value),
                severity: InsightSeverityRule.forRelativeChange(relative), confidence: confidence,
                title: "\(driver.dimension) \(driver.value) drives the \(direction) in \(window.metricName)",
                evidence: [
                    "dimension": .text(driver.dimension), "value": .text(driver.value),
                    "share_of_change": .number(driver.shareOfChange), "share_of_baseline": .number(driver.shareOfBaseline),
                    "surprise": .number(driver.surprise), "segment_relative_change": .number(relative),
                    "total_change": .number(breakdown.totalChange), "segment_change": .number(driver.change),
                    "p_value": .number(test.pValue), "customers_in_segment": .number(Double(inside.count)),
                    "customers_outside": .number(Double(outside.count)),
                    "other_values": .list(breakdown.shares.dropFirst().map(\.value)),
                ],
                variables: [
                    "metric": window.metricName, "direction": direction, "dimension": driver.dimension, "value": driver.value,
                    "share_percent": HumanFormat.percent(driver.shareOfChange),
                    "size_percent": HumanFormat.percent(driver.shareOfBaseline),
                    "segment_change_percent": HumanFormat.percent(relative),
                    "revenue": HumanFormat.currency(segmentRevenue), "p_value": HumanFormat.pValue(test.pValue),
                ],
                revenueImpact: segmentRevenue > 0 ? segmentRevenue : nil))
        }
        if !broadDimensions.isEmpty, findings.isEmpty, let broad = broadFinding(window, overall: overall, dimensions: broadDimensions,
                                                                                 change: broadChange, baseline: broadBaseline) {
            findings.append(broad)
        }
        return findings
    }

    /// The change spread over every value of every listed dimension, with the confidence of the
    /// customers' paired changes.
    private func broadFinding(_ window: MetricWindow, overall: PairedShift, dimensions: [String], change: Double,
                              baseline: Double) -> InsightFinding? {
        let relative = baseline != 0 ? change / abs(baseline) : 0
        let direction = change < 0 ? "drop" : "rise"
        return InsightFinding(
            kind: .segmentContribution, metricName: window.metricName, segment: nil,
            severity: InsightSeverityRule.forRelativeChange(relative), confidence: overall.confidence,
            title: "The \(direction) in \(window.metricName) affects every segment",
            evidence: [
                "broad": .flag(true), "dimensions": .list(dimensions), "relative_change": .number(relative),
                "p_value": .number(overall.pValue), "customers": .number(Double(overall.count)),
            ],
            variables: [
                "broad": "true",
                "metric": window.metricName, "direction": direction, "dimensions": dimensions.joined(separator: ", "),
                "change_percent": HumanFormat.percent(relative), "p_value": HumanFormat.pValue(overall.pValue),
            ])
    }

    /// Totals per (dimension, value) over the tags that are dimensions.
    func dimensionTotals(_ series: [SeriesPeriods]) -> [SegmentContribution.Totals] {
        var values: [String: [String: (Double, Double)]] = [:]
        for item in series {
            for (key, value) in item.tags where key != settings.customerTag {
                var entry = values[key, default: [:]][value] ?? (0, 0)
                entry.0 += item.baselineSum
                entry.1 += item.currentSum
                values[key, default: [:]][value] = entry
            }
        }
        return values.filter { (2...max(2, settings.maxDimensionValues)).contains($0.value.count) }.flatMap { dimension, byValue in
            byValue.map { SegmentContribution.Totals(dimension: dimension, value: $0.key, baseline: $0.value.0, current: $0.value.1) }
        }
    }
}
