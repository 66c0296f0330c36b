import ChurnGuardAnalytics
import ChurnGuardCore

extension InsightGenerator {
    /// Period change: week over week (the current period's daily means against the
    /// baseline's, Welch's test) or day over day (the last day against the baseline period's
    /// days, prediction interval), whichever has the smaller p-value; reported when
    /// significant and at least `minimumRelativeChange`.
    func periodChange(_ window: MetricWindow) -> InsightFinding? {
        let weekly = PeriodShift(previous: window.baselineDays, current: window.currentDays).map { ("week", $0) }
        let days = window.baselineDays + window.currentDays
        let daily = days.last.flatMap { last in
            PeriodShift(previous: Array(days.dropLast().suffix(settings.periodDays)), current: [last]).map { ("day", $0) }
        }
        let candidates = [weekly, daily].compactMap { $0 }.filter {
            $0.1.isSignificant(alpha: settings.alpha, minimumRelativeChange: settings.minimumRelativeChange)
        }
        guard let best = candidates.min(by: { $0.1.pValue < $1.1.pValue }) else { return nil }
        let (period, shift) = best
        let relative = shift.relativeChange ?? 0
        let direction = shift.absoluteChange < 0 ? "fell" : "rose"
        return InsightFinding(
            kind: .periodChange, metricName: window.metricName,
            severity: InsightSeverityRule.forRelativeChange(relative), confidence: shift.confidence,
            title: "\(window.metricName) \(direction) \(HumanFormat.percent(relative)) \(period) over \(period)",
            evidence: [
                "period": .text(period), "previous_mean": .number(shift.previousMean), "current_mean": .number(shift.currentMean),
                "relative_change": .number(relative), "t_statistic": .number(shift.tStatistic), "p_value": .number(shift.pValue),
                "effect_size": .number(shift.effectSize), "previous_days": .number(Double(shift.previousCount)),
                "current_days": .number(Double(shift.currentCount)),
            ],
            variables: [
                "metric": window.metricName, "direction": direction, "period": period,
                "change_percent": HumanFormat.percent(relative), "previous": HumanFormat.number(shift.previousMean),
                "current": HumanFormat.number(shift.currentMean), "p_value": HumanFormat.pValue(shift.pValue),
            ])
    }

    /// Trend change: the slope of the last `periodDays × 2` daily means against the slope of
    /// the same span before it; reported when the test of the slopes' difference is
    /// significant and their 95 % intervals do not overlap.
    func trendChange(_ window: MetricWindow) -> InsightFinding? {
        let span = settings.periodDays * 2
        let days = window.dailyMeans
        guard days.count >= 2 * span else { return nil }
        let recent = Array(days.suffix(span)), baseline = Array(days.dropLast(span).suffix(span))
        guard let shift = TrendShift(baseline: baseline, recent: recent), shift.isSignificant(alpha: settings.alpha) else { return nil }
        let level = SampleMoments(baseline).mean
        let relative = level != 0 ? shift.slopeChange * Double(span) / abs(level) : shift.slopeChange
        let before = TrendShift.interval(of: shift.baseline), after = TrendShift.interval(of: shift.recent)
        let direction = shift.recent.slope < 0 ? "falling" : "rising"
        return InsightFinding(
            kind: .trendChange, metricName: window.metricName,
            severity: InsightSeverityRule.forRelativeChange(relative), confidence: shift.confidence,
            title: "\(window.metricName) is now \(direction)",
            evidence: [
                "baseline_slope": .number(shift.baseline.slope), "recent_slope": .number(shift.recent.slope),
                "baseline_slope_low": .number(before.lowerBound), "baseline_slope_high": .number(before.upperBound),
                "recent_slope_low": .number(after.lowerBound), "recent_slope_high": .number(after.upperBound),
                "slope_change": .number(shift.slopeChange), "t_statistic": .number(shift.tStatistic),
                "p_value": .number(shift.pValue), "days": .number(Double(2 * span)),
            ],
            variables: [
                "metric": window.metricName, "direction": direction, "days": HumanFormat.days(span),
                "recent_slope": HumanFormat.number(shift.recent.slope), "baseline_slope": HumanFormat.number(shift.baseline.slope),
                "recent_low": HumanFormat.number(after.lowerBound), "recent_high": HumanFormat.number(after.upperBound),
                "p_value": HumanFormat.pValue(shift.pValue),
            ])
    }
}
