/// The points of a request body, and the problems found while reading them.
public struct ParsedPoints: Sendable {
    /// Points that were read (including ones with problems, so indexes line up).
    public var points: [MetricPoint]
    /// Per-field problems found while reading; validation adds more later.
    public var problems: [ErrorDetail]
    /// More points were in the body than ``ParseLimits/maxPoints``; the rest were checked, not kept.
    public var pointsTruncated = false
    /// More problems were found than ``ParseLimits/maxProblems``; the rest were not kept.
    public var problemsTruncated = false

    /// A result with these points and problems.
    public init(points: [MetricPoint], problems: [ErrorDetail]) {
        self.points = points
        self.problems = problems
    }

    /// Keeps `problem` unless `limit` problems are already kept.
    mutating func report(_ problem: ErrorDetail, limit: Int) {
        if problems.count < limit {
            problems.append(problem)
        } else {
            problemsTruncated = true
        }
    }
}
