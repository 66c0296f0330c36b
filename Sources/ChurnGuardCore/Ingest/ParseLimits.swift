/// How much of a batch the parser keeps, so memory per request stays a small multiple of
/// the body size whatever the body holds.
///
/// The parser still reads (and checks the syntax of) the whole body, but stops collecting
/// points at `maxPoints`, problems at `maxProblems` and tags on one point at
/// `maxTagsPerPoint`. Keeping one more than a validation limit allows is enough for the
/// validator to see that the limit was passed and answer as if everything had been kept;
/// collecting the rest only cost memory (a 16 MiB body of `{}` used to become millions of
/// points and problems, 2.4 GB, before the batch-size cap applied).
public struct ParseLimits: Sendable, Equatable {
    /// Most points kept.
    public var maxPoints: Int
    /// Most problems kept.
    public var maxProblems: Int
    /// Most tags kept on one point.
    public var maxTagsPerPoint: Int

    /// Problems reported for one request: the API answers with at most this many details.
    public static let reportedProblems = 100

    /// Keeps everything (for callers that bound the input themselves, e.g. one JSON Lines line).
    public static let unbounded = ParseLimits(maxPoints: .max, maxProblems: .max, maxTagsPerPoint: .max)

    /// Explicit limits; each at least 1.
    public init(maxPoints: Int, maxProblems: Int, maxTagsPerPoint: Int) {
        self.maxPoints = max(1, maxPoints)
        self.maxProblems = max(1, maxProblems)
        self.maxTagsPerPoint = max(1, maxTagsPerPoint)
    }

    /// One more point and one more tag than `validation` accepts (so "too many" is still
    /// reported the same way), and ``reportedProblems`` problems.
    public init(validation: ValidationLimits) {
        self.init(maxPoints: Self.plusOne(validation.maxBatchPoints), maxProblems: Self.reportedProblems,
                  maxTagsPerPoint: Self.plusOne(validation.maxTags))
    }

    private static func plusOne(_ limit: Int) -> Int { limit == .max ? .max : limit + 1 }
}
