public import ChurnGuardCore

/// The shipped narrative templates, identical to the files in `templates/insights/` (a test
/// compares them), used when the configured folder is the default and does not exist (a
/// binary run outside the source tree); a folder that exists always wins.
public enum BuiltInInsightTemplates {
    /// The template text of every kind.
    public static let texts: [InsightKind: String] = [
        .periodChange: """
            {{! Period change. Variables: metric, direction (rose|fell), period (day|week), change_percent,
                previous, current, p_value, confidence_percent, title. }}
            {{metric}} {{direction}} by {{change_percent}} {{period}} over {{period}}, from {{previous}} to {{current}} on average
            ({{p_value}}, confidence {{confidence_percent}}).

            """,
        .trendChange: """
            {{! Trend change. Variables: metric, direction (rising|falling), days, recent_slope, baseline_slope,
                recent_low, recent_high, p_value, confidence_percent, title. }}
            {{metric}} is now {{direction}} by {{recent_slope}} per day over the last {{days}} (95 % interval {{recent_low}} to {{recent_high}}),
            against {{baseline_slope}} per day in the {{days}} before ({{p_value}}, confidence {{confidence_percent}}).

            """,
        .segmentContribution: """
            {{! Segment contribution. Variables: metric, direction (drop|rise), dimension, value, share_percent,
                size_percent, segment_change_percent, revenue, p_value; for a change spread over every segment
                `broad` is true with dimensions and change_percent; confidence_percent, title. }}
            {{#broad}}
            The {{direction}} of {{change_percent}} in {{metric}} affects every segment alike (by {{dimensions}}; {{p_value}}, confidence {{confidence_percent}}).
            {{/broad}}
            {{^broad}}
            {{share_percent}} of the {{direction}} in {{metric}} comes from {{dimension}} {{value}}, which holds {{size_percent}} of it
            ({{value}} moved {{segment_change_percent}}; {{revenue}} of monthly revenue; {{p_value}}, confidence {{confidence_percent}}).
            {{/broad}}

            """,
        .leadingIndicator: """
            {{! Leading indicator. Variables: metric, following, lag, relation (rises|falls), correlation, p_value,
                days, confidence_percent, title. }}
            In this organization's history, when {{metric}} changes, {{following}} {{relation}} with it {{lag}} later
            (r = {{correlation}} over {{days}} of changes; {{p_value}}, confidence {{confidence_percent}}).

            """,
        .revenueAtRisk: """
            {{! Revenue at risk. Variables: mrr_at_risk, share_percent, customers_at_risk, change, direction
                (up|down|unchanged), newly_at_risk, threshold, days, confidence_percent, title. }}
            {{mrr_at_risk}} of monthly revenue ({{share_percent}}) sits with {{customers_at_risk}} customers whose churn risk is above {{threshold}},
            {{direction}} {{change}} from {{days}} ago; {{newly_at_risk}} of them crossed the threshold since.

            """,
        .thresholdBreach: """
            {{! Threshold breach. Variables: metric, condition (above|below), threshold, value, excess_percent,
                customer (empty for none), hours, confidence_percent, title. }}
            {{metric}}{{#customer}} of {{customer}}{{/customer}} is at {{value}}, {{excess_percent}} past its threshold ({{condition}} {{threshold}}),
            firing for {{hours}} hours.

            """,
        .anomalyExplained: """
            {{! Anomaly explained. Variables: metric, anomalies ("3 anomalies"), customers ("2 customers"), days,
                explanation (the strongest anomaly's sentence), methods_agreed ("2 of 3 methods"), method_scores,
                concentrated (true when one tag value holds most of them) with dimension, value, share_percent;
                confidence_percent, title. }}
            {{anomalies}} in {{metric}} over the last {{days}}, for {{customers}}{{#concentrated}}, {{share_percent}} of them in {{dimension}} {{value}}{{/concentrated}}.
            The strongest: {{explanation}} ({{methods_agreed}} agreed: {{method_scores}}; confidence {{confidence_percent}}).

            """,
    ]
}
