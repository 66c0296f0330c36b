/// Builds typed rules from a document the schema has accepted (so every field has its type;
/// absent optional fields take their documented defaults).
enum RecommendationRuleDecoding {
    static func rule(_ value: JSONNode) -> RecommendationRule {
        let target = value["target"]
        let segment = target?["segment"].flatMap { segment -> InsightSegment? in
            guard let dimension = segment["dimension"]?.stringValue, let text = segment["value"]?.stringValue else { return nil }
            return InsightSegment(dimension: dimension, value: text)
        }
        let range = value["effect"]?["churn_reduction"]
        return RecommendationRule(
            id: value["id"]?.stringValue ?? "",
            enabled: bool(value["enabled"]) ?? true,
            confidence: number(value["confidence"]) ?? 0,
            conditions: condition(value["conditions"] ?? .null),
            target: RecommendationTarget(metricName: target?["metric_name"]?.stringValue, segment: segment),
            minimumChurnRisk: number(value["audience"]?["min_churn_risk"]) ?? 0,
            title: value["action"]?["title"]?.stringValue ?? "",
            description: value["action"]?["description"]?.stringValue ?? "",
            category: value["action"]?["category"]?.stringValue.flatMap(RecommendationCategory.init(rawValue:)) ?? .other,
            effect: EffectRange(low: number(range?["low"]) ?? 0, expected: number(range?["expected"]) ?? 0, high: number(range?["high"]) ?? 0),
            horizonDays: Int(number(value["effect"]?["horizon_days"]) ?? 90),
            fixedCost: number(value["cost"]?["fixed"]) ?? 0,
            costPerCustomer: number(value["cost"]?["per_customer"]) ?? 0)
    }

    static func condition(_ value: JSONNode) -> RuleCondition {
        if case .array(let list)? = value["all"] { return .all(list.map(condition)) }
        if case .array(let list)? = value["any"] { return .any(list.map(condition)) }
        if let match = value["insight"] {
            return .insight(InsightMatch(
                kind: match["kind"]?.stringValue.flatMap(InsightKind.init(rawValue:)), metricName: match["metric_name"]?.stringValue,
                segmentDimension: match["segment"]?["dimension"]?.stringValue, segmentValue: match["segment"]?["value"]?.stringValue,
                minimumSeverity: match["min_severity"]?.stringValue.flatMap(RuleSeverity.init(rawValue:)),
                minimumConfidence: number(match["min_confidence"]) ?? 0,
                rising: match["direction"]?.stringValue.map { $0 == "rise" }))
        }
        if let match = value["anomaly"] { return .anomaly(event(match)) }
        if let match = value["alert"] { return .alert(event(match)) }
        if let check = value["statistic"] {
            return .statistic(StatisticCheck(
                metricName: check["metric_name"]?.stringValue ?? "",
                statistic: check["statistic"]?.stringValue.flatMap(StatisticCheck.Statistic.init(rawValue:)) ?? .mean,
                windowDays: Int(number(check["window_days"]) ?? 7),
                comparison: check["comparison"]?.stringValue.flatMap(StatisticCheck.Comparison.init(rawValue:)) ?? .above,
                value: number(check["value"]) ?? 0, tags: tags(check["tags"])))
        }
        if let reference = value["rule"]?.stringValue { return .rule(reference) }
        return .all([])
    }

    static func event(_ value: JSONNode) -> EventMatch {
        EventMatch(metricName: value["metric_name"]?.stringValue, tags: tags(value["tags"]),
                   minimumSeverity: value["min_severity"]?.stringValue.flatMap(RuleSeverity.init(rawValue:)),
                   withinDays: Int(number(value["within_days"]) ?? 7), minimumCount: Int(number(value["min_count"]) ?? 1))
    }

    static func tags(_ value: JSONNode?) -> [String: String] {
        guard case .object(let members)? = value else { return [:] }
        return members.compactMapValues(\.stringValue)
    }

    static func number(_ value: JSONNode?) -> Double? {
        if case .number(let number)? = value { return number }
        return nil
    }

    static func bool(_ value: JSONNode?) -> Bool? {
        if case .bool(let flag)? = value { return flag }
        return nil
    }
}
