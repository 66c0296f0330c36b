public import Foundation

/// Reads a rules file: JSON, then the shipped JSON Schema (``RecommendationRulesSchema``),
/// then the checks a schema cannot express (unique ids, ordered effect ranges, a positive
/// cost, rule references that exist and form no cycle), then the typed rules. Every problem
/// names the rule and the field.
public enum RecommendationRulesParser {
    /// The rule book in `data` (named `file` in errors), checked against `schema`.
    /// - Throws: ``RecommendationRulesError`` listing every problem.
    public static func parse(_ data: Data, file: String, schema: JSONSchema) throws -> RecommendationRuleBook {
        let document: JSONNode
        do {
            document = try JSONNode.parse(data)
        } catch {
            throw RecommendationRulesError(file: file, problems: [.init(rule: nil, field: "(file)", message: "not valid JSON (\(jsonErrorText(error)))")])
        }
        let violations = schema.validate(document)
        if !violations.isEmpty {
            throw RecommendationRulesError(file: file, problems: violations.map { problem($0.path, $0.message, in: document) })
        }
        let rules = ruleValues(document)
        let problems = semanticProblems(rules)
        if !problems.isEmpty { throw RecommendationRulesError(file: file, problems: problems) }
        return RecommendationRuleBook(
            currency: document["currency"]?.stringValue ?? "USD",
            revenueMetric: document["revenue_metric"]?.stringValue ?? "mrr",
            riskMetric: document["risk_metric"]?.stringValue ?? "churn_risk_score",
            customerTag: document["customer_tag"]?.stringValue ?? "customer_id",
            rules: rules.map(RecommendationRuleDecoding.rule))
    }

    static func ruleValues(_ document: JSONNode) -> [JSONNode] {
        if case .array(let list)? = document["rules"] { return list }
        return []
    }

    /// The problem of a schema violation at `path`: inside `rules[i]` it names the rule by id.
    static func problem(_ path: [JSONPathComponent], _ message: String, in document: JSONNode) -> RecommendationRulesError.Problem {
        guard path.count >= 2, case .key("rules") = path[0], case .index(let index) = path[1] else {
            return .init(rule: nil, field: path.dotted, message: message)
        }
        let rules = ruleValues(document)
        let id = rules.indices.contains(index) ? rules[index]["id"]?.stringValue : nil
        let name = id.map { "\($0) (rules[\(index)])" } ?? "rules[\(index)]"
        let field = path.count > 2 ? Array(path.dropFirst(2)).dotted : "(rule)"
        return .init(rule: name, field: field, message: message)
    }

    static func semanticProblems(_ rules: [JSONNode]) -> [RecommendationRulesError.Problem] {
        var problems: [RecommendationRulesError.Problem] = []
        var seen: [String: Int] = [:]
        let ids = Set(rules.compactMap { $0["id"]?.stringValue })
        for (index, rule) in rules.enumerated() {
            let id = rule["id"]?.stringValue ?? ""
            let name = "\(id) (rules[\(index)])"
            if let first = seen[id] {
                problems.append(.init(rule: name, field: "id", message: "repeats the id of rules[\(first)]"))
            } else {
                seen[id] = index
            }
            if case .number(let low)? = rule["effect"]?["churn_reduction"]?["low"],
               case .number(let expected)? = rule["effect"]?["churn_reduction"]?["expected"],
               case .number(let high)? = rule["effect"]?["churn_reduction"]?["high"], !(low <= expected && expected <= high) {
                problems.append(.init(rule: name, field: "effect.churn_reduction", message: "must satisfy low ≤ expected ≤ high"))
            }
            if case .number(let fixed)? = rule["cost"]?["fixed"], case .number(let each)? = rule["cost"]?["per_customer"], fixed + each <= 0 {
                problems.append(.init(rule: name, field: "cost", message: "fixed or per_customer must be above 0 (ROI divides by the cost)"))
            }
            let references = RecommendationRuleDecoding.condition(rule["conditions"] ?? .null).referencedRules
            for reference in references where !ids.contains(reference) {
                problems.append(.init(rule: name, field: "conditions", message: "refers to rule \(reference), which does not exist"))
            }
            if references.contains(id) {
                problems.append(.init(rule: name, field: "conditions", message: "refers to itself"))
            }
        }
        if problems.isEmpty, let cycle = referenceCycle(rules) {
            problems.append(.init(rule: cycle[0], field: "conditions", message: "rule references form a cycle: \(cycle.joined(separator: " → "))"))
        }
        return problems
    }

    /// A cycle of rule references, if any (as ids, the first repeated at the end).
    static func referenceCycle(_ rules: [JSONNode]) -> [String]? {
        let edges = Dictionary(rules.compactMap { rule -> (String, [String])? in
            guard let id = rule["id"]?.stringValue else { return nil }
            return (id, RecommendationRuleDecoding.condition(rule["conditions"] ?? .null).referencedRules)
        }, uniquingKeysWith: { first, _ in first })
        var done: Set<String> = []
        func visit(_ id: String, _ stack: [String]) -> [String]? {
            if let start = stack.firstIndex(of: id) { return Array(stack[start...]) + [id] }
            if done.contains(id) { return nil }
            for next in edges[id] ?? [] {
                if let cycle = visit(next, stack + [id]) { return cycle }
            }
            done.insert(id)
            return nil
        }
        for id in edges.keys.sorted() {
            if let cycle = visit(id, []) { return cycle }
        }
        return nil
    }

    static func jsonErrorText(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }
}
