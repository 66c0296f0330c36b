import Foundation
import ChurnGuardAnalytics

/// One scikit-learn reference fixture written by scripts/sklearn-fixtures.py.
struct SklearnFixture: Decodable {
    let name: String
    let kind: String
    let note: String
    let X: [[Double]]
    // LOF
    let n_neighbors: Int?
    let effective_n_neighbors: Int?
    let negative_outlier_factor: [Double]?
    let query: [[Double]]?
    let score_samples: [Double]?
    // Isolation Forest
    let labels: [Int]?
    let roc_auc: Double?
    let roc_auc_random_states_0_4: [Double]?

    var matrix: FeatureMatrix { FeatureMatrix(X) }
}

/// Loads the fixtures bundled under Fixtures/sklearn.
enum SklearnFixtures {
    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "fixture \(name).json not found in the test bundle" }
    }

    static let lofNames = [
        "lof_blobs_d2", "lof_normal_d1", "lof_normal_d3", "lof_normal_d8", "lof_duplicates_k20",
        "lof_duplicates_k5", "lof_ties_counts_d1", "lof_ties_grid_d2", "lof_small_n5",
    ]

    static let isolationForestNames = [
        "iforest_planted_d2", "iforest_planted_d1", "iforest_planted_d8_constant", "iforest_small_n300",
    ]

    static func load(_ name: String) throws -> SklearnFixture {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/sklearn") else {
            throw Missing(name: name)
        }
        return try JSONDecoder().decode(SklearnFixture.self, from: Data(contentsOf: url))
    }
}

/// Area under the ROC curve of `scores` for binary `labels` (1 = anomaly), with tied scores
/// counted as half (the Mann–Whitney statistic, as scikit-learn's `roc_auc_score`).
func rocAUC(scores: [Double], labels: [Int]) -> Double {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var ranks = [Double](repeating: 0, count: scores.count)
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
        let rank = Double(i + j) / 2 + 1
        for p in i...j { ranks[order[p]] = rank }
        i = j + 1
    }
    let positives = labels.filter { $0 == 1 }.count
    let negatives = labels.count - positives
    guard positives > 0, negatives > 0 else { return .nan }
    let rankSum = zip(ranks, labels).filter { $0.1 == 1 }.reduce(0) { $0 + $1.0 }
    return (rankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
}

/// |a − b| ≤ tolerance · max(|a|, |b|), with NaN equal only to NaN.
func relativelyEqual(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= tolerance * max(abs(a), abs(b))
}
