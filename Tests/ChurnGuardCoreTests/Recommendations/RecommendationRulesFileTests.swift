import ChurnGuardCore
import Foundation
import Testing

/// The rules file: the shipped playbook passes the shipped schema, the built-in copies equal
/// the files, and each kind of broken file is refused with the rule and field named.
@Suite("Recommendation rules file")
struct RecommendationRulesFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let schema: JSONSchema? = try? JSONSchema(text: BuiltInRecommendationRules.schema)

    static func parse(_ text: String) throws -> RecommendationRuleBook {
        guard let schema else { throw JSONSchemaError(message: "the built-in schema does not load") }
        return try RecommendationRulesParser.parse(Data(text.utf8), file: "rules.json", schema: schema)
    }

    /// The problems of `text` as "rule|field|message" lines.
    static func problems(_ text: String) -> [RecommendationRulesError.Problem] {
        do {
            _ = try parse(text)
            return []
        } catch let error as RecommendationRulesError {
            return error.problems
        } catch {
            return [.init(rule: nil, field: "?", message: "\(error)")]
        }
    }

    /// A valid one-rule file with `edit` applied to the rule's JSON text.
    static func file(rule: String = Self.rule) -> String {
        #"{"version": 1, "rules": [\#(rule)]}"#
    }

    static let rule = #"""
    {"id": "test_rule", "confidence": 0.8,
     "conditions": {"all": [{"insight": {"kind": "segment_contribution", "metric_name": "customer_activity"}},
                            {"statistic": {"metric_name": "logins", "statistic": "mean", "window_days": 7, "comparison": "below", "value": 3}}]},
     "target": {"metric_name": "customer_activity", "segment": {"dimension": "segment", "value": "smb"}},
     "action": {"title": "T", "description": "D", "category": "success_call"},
     "effect": {"churn_reduction": {"low": 0.1, "expected": 0.2, "high": 0.3}, "horizon_days": 90},
     "cost": {"fixed": 100, "per_customer": 5}}
    """#

    @Test("the shipped playbook passes the shipped schema and has the demo's rules")
    func shippedPlaybook() throws {
        let book = try Self.parse(BuiltInRecommendationRules.playbook)
        let ids = book.rules.map(\.id)
        #expect(ids.contains("smb_reengagement_campaign") && ids.contains("mid_market_success_calls") && ids.contains("support_outage_escalation"))
        #expect(book.revenueMetric == "mrr" && book.riskMetric == "churn_risk_score" && book.currency == "USD")
        let smb = try #require(book.rules.first { $0.id == "smb_reengagement_campaign" })
        #expect(smb.category == .reEngagementCampaign && smb.effect == EffectRange(low: 0.05, expected: 0.12, high: 0.2))
        #expect(smb.target.segment == InsightSegment(dimension: "segment", value: "smb") && smb.minimumChurnRisk == 0.3)
        #expect(smb.fixedCost == 250 && smb.costPerCustomer == 2 && smb.horizonDays == 90)
        let order = book.evaluationOrder.map(\.id)
        #expect(order.firstIndex(of: "support_outage_escalation")! < order.firstIndex(of: "enterprise_followup_after_outage")!)
    }

    @Test("the built-in copies equal rules/recommendations.schema.json and rules/recommendations.json (scripts/embed-rules)")
    func builtInCopiesMatch() throws {
        let schema = try String(contentsOf: Self.root.appendingPathComponent("rules/recommendations.schema.json"), encoding: .utf8)
        let playbook = try String(contentsOf: Self.root.appendingPathComponent("rules/recommendations.json"), encoding: .utf8)
        #expect(schema == BuiltInRecommendationRules.schema + "\n" || schema == BuiltInRecommendationRules.schema)
        #expect(playbook == BuiltInRecommendationRules.playbook + "\n" || playbook == BuiltInRecommendationRules.playbook)
    }

    @Test("a valid rule decodes with every field and nesting")
    func decodes() throws {
        let rule = try #require(try Self.parse(Self.file()).rules.first)
        #expect(rule.conditions == .all([
            .insight(InsightMatch(kind: .segmentContribution, metricName: "customer_activity")),
            .statistic(StatisticCheck(metricName: "logins", statistic: .mean, windowDays: 7, comparison: .below, value: 3)),
        ]))
        #expect(rule.enabled && rule.minimumChurnRisk == 0 && rule.confidence == 0.8)
    }

    @Test("not JSON: the file is named")
    func badJSON() {
        let problems = Self.problems(#"{"version": 1, "rules": [}"#)
        #expect(problems.count == 1 && problems[0].rule == nil && problems[0].field == "(file)" && problems[0].message.hasPrefix("not valid JSON"))
    }

    @Test("an unknown field names the rule and the field")
    func unknownField() {
        let text = Self.file(rule: Self.rule.replacingOccurrences(of: #""window_days": 7"#, with: #""window_days": 7, "windw": 3"#))
        let problems = Self.problems(text)
        #expect(problems.map(\.rule) == ["test_rule (rules[0])"])
        #expect(problems.map(\.field) == ["conditions.all[1].statistic.windw"])
        #expect(problems[0].message.hasPrefix("is not a known field"))
    }

    @Test("a wrong type names the rule and the field")
    func wrongType() {
        let problems = Self.problems(Self.file(rule: Self.rule.replacingOccurrences(of: #""horizon_days": 90"#, with: #""horizon_days": "90""#)))
        #expect(problems.map(\.description) == [#"rule test_rule (rules[0]), field effect.horizon_days: must be integer (found "90")"#])
    }

    @Test("a value out of its enum (an unknown insight kind) names the rule and the field")
    func unknownKind() {
        let problems = Self.problems(Self.file(rule: Self.rule.replacingOccurrences(of: "segment_contribution", with: "segment_drop")))
        #expect(problems.map(\.field) == ["conditions.all[0].insight.kind"])
        #expect(problems.first?.message.contains("must be one of trend_change") == true)
    }

    @Test("a condition with two kinds at once, or none, is refused")
    func oneKindPerCondition() {
        let two = Self.rule.replacingOccurrences(of: #"{"insight": {"kind""#, with: #"{"rule": "other_rule", "insight": {"kind""#)
        #expect(Self.problems(Self.file(rule: two)).map(\.field) == ["conditions.all[0]"])
        let none = Self.rule.replacingOccurrences(of: #""conditions": {"all": ["#, with: #""conditions": {}, "x_conditions": {"all": ["#)
        #expect(Self.problems(Self.file(rule: none)).map(\.field).contains("conditions"))
    }

    @Test("a missing required field and a rule without an id")
    func missingFields() {
        let noAction = Self.rule.replacingOccurrences(of: #""action": {"title": "T", "description": "D", "category": "success_call"},"#, with: "")
        #expect(Self.problems(Self.file(rule: noAction)).map(\.description) == ["rule test_rule (rules[0]), field action: is required"])
        let noID = Self.rule.replacingOccurrences(of: #""id": "test_rule", "#, with: "")
        #expect(Self.problems(Self.file(rule: noID)).map(\.description) == ["rule rules[0], field id: is required"])
    }

    @Test("a reference to a rule that does not exist, to itself, or in a cycle")
    func badReferences() {
        let dangling = Self.rule.replacingOccurrences(of: #"{"insight": {"kind": "segment_contribution", "metric_name": "customer_activity"}}"#,
                                                      with: #"{"rule": "no_such_rule"}"#)
        #expect(Self.problems(Self.file(rule: dangling)).map(\.description)
            == ["rule test_rule (rules[0]), field conditions: refers to rule no_such_rule, which does not exist"])
        let selfReference = dangling.replacingOccurrences(of: "no_such_rule", with: "test_rule")
        #expect(Self.problems(Self.file(rule: selfReference)).map(\.message) == ["refers to itself"])
        let a = dangling.replacingOccurrences(of: "no_such_rule", with: "rule_b").replacingOccurrences(of: #""id": "test_rule""#, with: #""id": "rule_a""#)
        let b = dangling.replacingOccurrences(of: "no_such_rule", with: "rule_a").replacingOccurrences(of: #""id": "test_rule""#, with: #""id": "rule_b""#)
        let cycle = Self.problems(#"{"version": 1, "rules": [\#(a), \#(b)]}"#)
        #expect(cycle.count == 1 && cycle[0].message.contains("cycle: rule_a → rule_b → rule_a"), "\(cycle)")
    }

    @Test("repeated ids, an effect range out of order and a zero cost")
    func semanticChecks() {
        let repeated = Self.problems(#"{"version": 1, "rules": [\#(Self.rule), \#(Self.rule)]}"#)
        #expect(repeated.map(\.description) == ["rule test_rule (rules[1]), field id: repeats the id of rules[0]"])
        let range = Self.rule.replacingOccurrences(of: #""low": 0.1, "expected": 0.2"#, with: #""low": 0.3, "expected": 0.2"#)
        #expect(Self.problems(Self.file(rule: range)).map(\.field) == ["effect.churn_reduction"])
        let free = Self.rule.replacingOccurrences(of: #""fixed": 100, "per_customer": 5"#, with: #""fixed": 0, "per_customer": 0"#)
        #expect(Self.problems(Self.file(rule: free)).map(\.field) == ["cost"])
    }

    @Test("file-wide fields: an unknown one and a bad version have no rule")
    func fileWide() {
        let problems = Self.problems(#"{"version": 2, "colour": "red", "rules": []}"#)
        #expect(problems.map(\.description) == ["field colour: is not a known field (known: $schema, currency, customer_tag, revenue_metric, risk_metric, rules, version)",
                                                "field version: must be 1 (found 2)"])
    }
}
