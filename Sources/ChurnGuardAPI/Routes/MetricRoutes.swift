import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Hummingbird
import Metrics

/// `/api/v1/analytics/metrics…`: ingest, list metrics, page through points.
struct MetricRoutes {
    let store: any MetricStore
    let pipeline: IngestPipeline
    let options: APIOptions
    let queryLimiter: QueryLimiter
    /// Points refused by validation (`churnguard_ingest_points_rejected_total{reason="validation"}`).
    let validationRejects: Counter
    /// The organization's metric list, served from memory for a short time.
    let catalog: MetricCatalogCache

    func register(on group: RouterGroup<OrganizationContext>) {
        group.post("analytics/metrics") { request, context in
            try await ingest(request, context: context)
        }
        group.get("analytics/metrics") { _, context in
            try await listMetrics(context: context)
        }
        group.get("analytics/metrics/:name/points") { request, context in
            try await listPoints(request, context: context)
        }
    }

    /// Validates the whole batch, then answers only after the pipeline has committed it.
    func ingest(_ request: Request, context: OrganizationContext) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: context.maxUploadSize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw ServiceError(.payloadTooLarge, code: "payload_too_large",
                               message: "request body is larger than \(options.maxBodyBytes) bytes; split the batch")
        }
        // Keeps max_batch_points + 1 points and the reported problems: memory follows the limits.
        let limits = ParseLimits(validation: options.validation)
        let parsed = try body.withUnsafeReadableBytes { try PointPayloadParser.parseBatch($0, limits: limits) }
        var problems = PointValidator(limits: options.validation, now: options.now())
            .problems(with: parsed.points, known: parsed.problems)
        if parsed.points.isEmpty && problems.isEmpty {
            problems.append(ErrorDetail(field: "points", message: "must hold at least one point"))
        }
        guard problems.isEmpty else {
            validationRejects.increment(by: max(1, parsed.points.count))
            throw ServiceError(.validation, code: "validation_failed",
                               message: "\(problems.count) problem(s) in the batch; nothing was stored",
                               details: problems)
        }
        let claim = try IdempotencyKeyHeader.claim(in: request.headers, body: body)
        let outcome: AppendOutcome
        do {
            outcome = try await pipeline.submit(PointBatch(organization: context.organization, points: parsed.points, idempotency: claim,
                                                                 requestID: context.requestID))
        } catch let error as StoreError {
            throw IdempotencyKeyHeader.uncertain(error, hasKey: claim != nil)
        }
        switch outcome {
        case .stored:
            catalog.invalidate(context.organization)
            return JSONResponse.raw(.ok, ByteBuffer(string: "{\"accepted\":\(parsed.points.count)}"))
        case .replayed(let accepted):
            return JSONResponse.raw(.ok, ByteBuffer(string: "{\"accepted\":\(accepted)}"),
                                    headers: [IdempotencyKeyHeader.replayed: "true"])
        case .keyReused:
            throw ServiceError(.validation, code: "idempotency_key_reused",
                               message: "this Idempotency-Key was used with a different body; nothing was stored (use a new key for a new batch)",
                               details: [ErrorDetail(field: "Idempotency-Key", message: "already used for another body")])
        }
    }

    struct MetricList: Encodable {
        struct Item: Encodable {
            let metric_name: String
            let points: Int64
            let first_timestamp: String
            let last_timestamp: String
        }
        let metrics: [Item]
    }

    func listMetrics(context: OrganizationContext) async throws -> Response {
        let summaries = try await catalog.summaries(of: context.organization) {
            try await store.metrics(organization: context.organization)
        }
        return try JSONResponse.make(.ok, MetricList(metrics: summaries.map {
            .init(metric_name: $0.metricName, points: $0.points,
                  first_timestamp: $0.firstTimestamp.description, last_timestamp: $0.lastTimestamp.description)
        }))
    }

    func listPoints(_ request: Request, context: OrganizationContext) async throws -> Response {
        let name = try QueryParameters.metricName(context, options: options)
        let query = try QueryParameters.pointQuery(metricName: name, from: request.uri.queryParameters, options: options)
        let page = try await queryLimiter.run(for: context.organization) {
            try await store.points(query, organization: context.organization)
        }
        return JSONResponse.raw(.ok, ByteBuffer(string: PointPageJSON.encode(metricName: name, page: page)))
    }
}
