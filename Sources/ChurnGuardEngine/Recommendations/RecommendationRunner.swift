public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
public import Logging
public import Metrics
import Synchronization

/// One recommendation run of one organization at a time: measure the outcomes that came due,
/// load the inputs, evaluate the rules (in reference order), price each fired rule, keep the
/// best `max_recommendations`, store them (updating open ones of the same rule and target),
/// prune, invalidate the read cache, publish and count the new ones by category. Used by
/// ``RecommendationService`` and by the demo seeding.
public final class RecommendationRunner: Sendable {
    /// Why a run did not happen.
    public enum RunError: Error, Equatable {
        /// A run of this organization is already in progress.
        case busy
    }

    /// What a run stored.
    public struct Run: Sendable {
        /// Every recommendation of the run as stored, best first.
        public var recommendations: [Recommendation]
        /// Those no earlier run had made.
        public var created: [Recommendation]
        /// Rules whose conditions held (with or without affected customers).
        public var fired: [String]
        /// Outcomes measured in this run.
        public var outcomes: [Recommendation]
        /// Metrics left out for the point budget.
        public var skipped: [String]
    }

    /// The rules.
    public let book: RecommendationRuleBook
    /// The settings.
    public let settings: RecommendationSettings
    /// The read cache the run invalidates.
    public let cache: any RecommendationCache
    let loader: RecommendationDataLoader
    let store: any RecommendationStore
    let publish: @Sendable ([Recommendation]) async -> Void
    let factory: any MetricsFactory
    let logger: Logger
    private let running = Mutex<Set<OrganizationID>>([])

    /// A runner over `backends`.
    public init(backends: Backends, book: RecommendationRuleBook, settings: RecommendationSettings, cache: any RecommendationCache,
                publish: @escaping @Sendable ([Recommendation]) async -> Void = { _ in }, metricsFactory: any MetricsFactory, logger: Logger) {
        self.book = book
        self.settings = settings
        self.cache = cache
        loader = RecommendationDataLoader(backends: backends, settings: settings, book: book)
        store = backends.recommendations
        self.publish = publish
        factory = metricsFactory
        self.logger = logger
    }

    /// Runs `organization` as of `asOf`.
    /// - Throws: ``RunError/busy`` when a run of the organization is in progress; store errors.
    public func run(organization: OrganizationID, asOf: Timestamp) async throws -> Run {
        let claimed = running.withLock { $0.insert(organization).inserted }
        guard claimed else { throw RunError.busy }
        defer { _ = running.withLock { $0.remove(organization) } }
        let measured = try await trackOutcomes(organization: organization, asOf: asOf)
        let rules = book.evaluationOrder
        let (inputs, skipped) = try await loader.inputs(organization: organization, asOf: asOf, rules: rules)
        let evaluator = RuleEvaluator(inputs: inputs, maxLinked: settings.maxLinkedEvents)
        let drafter = RecommendationDrafter(book: book, settings: settings)
        var fired: [String] = []
        var drafts: [Recommendation] = []
        var snapshots: [String: [CustomerSnapshot]] = [:]
        for rule in rules {
            try Task.checkCancellation()
            let evidence = evaluator.evaluate(rule.conditions, fired: Set(fired))
            guard evidence.holds else { continue }
            fired.append(rule.id)
            let customers: [CustomerSnapshot]
            if let known = snapshots[rule.target.key] {
                customers = known
            } else {
                do {
                    customers = try await loader.customers(of: rule.target, organization: organization, asOf: asOf)
                } catch let error as RecommendationDataLoader.BudgetExceeded {
                    logger.warning("recommendation rule left out: its target's customers exceed the point budget", metadata: [
                        "organization_id": "\(organization)", "rule_id": "\(rule.id)", "metric": "\(error.metricName)",
                    ])
                    continue
                }
                snapshots[rule.target.key] = customers
            }
            let effect = try await learnedEffect(rule, organization: organization)
            if let draft = drafter.draft(rule: rule, evidence: evidence, customers: customers, effect: effect, organization: organization, at: asOf) {
                drafts.append(draft)
            }
        }
        let kept = Array(drafts.sorted(by: Recommendation.ranksBefore).prefix(settings.maxPerOrganization))
        let saved = try await store.saveRecommendations(kept, organization: organization, at: asOf)
        _ = try await store.pruneRecommendations(organization: organization, keep: settings.maxPerOrganization, confirmedAt: asOf)
        cache.invalidate(organization)
        let created = saved.filter(\.created).map(\.recommendation)
        for recommendation in created {
            Counter(label: MetricNames.recommendationsGenerated,
                    dimensions: [("organization_id", organization.description), ("category", recommendation.category.rawValue)],
                    factory: factory).increment()
        }
        if !created.isEmpty { await publish(created) }
        return Run(recommendations: saved.map(\.recommendation), created: created, fired: fired, outcomes: measured, skipped: skipped)
    }

    /// The rule's effect with the organization's measured outcomes of it folded in.
    func learnedEffect(_ rule: RecommendationRule, organization: OrganizationID) async throws -> EffectRange {
        let accepted = try await store.recommendations(RecommendationQuery(status: .accepted, ruleID: rule.id, limit: 1_000), organization: organization)
        let outcomes = accepted.compactMap(\.outcome)
        guard !outcomes.isEmpty else { return rule.effect }
        return RecommendationDrafter.learnedEffect(rule.effect, outcomes: outcomes, priorWeight: settings.priorWeightCustomers)
    }
}
