import Testing
import ChurnGuardAnalytics

/// Parity with scikit-learn on the committed fixtures (regenerate with scripts/sklearn-fixtures.py).
@Suite("scikit-learn parity")
struct SklearnParityTests {
    @Test("LOF negative_outlier_factor_ equals scikit-learn within 1e-9 relative", arguments: SklearnFixtures.lofNames)
    func localOutlierFactor(name: String) throws {
        let fixture = try SklearnFixtures.load(name)
        let expected = try #require(fixture.negative_outlier_factor)
        let model = LocalOutlierFactor.fit(fixture.matrix, nNeighbors: try #require(fixture.n_neighbors))
        #expect(model.nNeighbors == fixture.effective_n_neighbors)
        #expect(model.negativeOutlierFactor.count == expected.count)
        let mismatches = zip(model.negativeOutlierFactor, expected).enumerated().filter {
            !relativelyEqual($0.element.0, $0.element.1, tolerance: 1e-9)
        }
        #expect(mismatches.isEmpty, "\(name): \(mismatches.count) rows differ, first: \(mismatches.prefix(3).map { "#\($0.offset) \($0.element.0) vs \($0.element.1)" })")
    }

    @Test("LOF novelty score_samples equals scikit-learn within 1e-9 relative",
          arguments: ["lof_blobs_d2", "lof_normal_d1", "lof_normal_d8", "lof_duplicates_k20"])
    func novelty(name: String) throws {
        let fixture = try SklearnFixtures.load(name)
        let query = FeatureMatrix(try #require(fixture.query))
        let expected = try #require(fixture.score_samples)
        let model = LocalOutlierFactor.fit(fixture.matrix, nNeighbors: try #require(fixture.n_neighbors))
        let scores = model.scoreSamples(query)
        #expect(scores.count == expected.count)
        for (i, (got, want)) in zip(scores, expected).enumerated() {
            #expect(relativelyEqual(got, want, tolerance: 1e-9), "\(name) query \(i): \(got) vs \(want)")
        }
    }

    /// Isolation Forest is randomized and our generator is not numpy's, so single forests differ;
    /// the check is on detection quality: the mean ROC AUC over seeds 0…4 must be within 0.01 of
    /// scikit-learn's mean over random_state 0…4.
    @Test("Isolation Forest ROC AUC within 0.01 of scikit-learn", arguments: SklearnFixtures.isolationForestNames)
    func isolationForest(name: String) throws {
        let fixture = try SklearnFixtures.load(name)
        let labels = try #require(fixture.labels)
        let reference = try #require(fixture.roc_auc_random_states_0_4)
        let x = fixture.matrix
        let aucs = (0..<5).map { seed in
            let forest = IsolationForest.fit(x, options: .init(seed: UInt64(seed)))
            return rocAUC(scores: forest.anomalyScores(x), labels: labels)
        }
        let ours = aucs.reduce(0, +) / Double(aucs.count)
        let theirs = reference.reduce(0, +) / Double(reference.count)
        #expect(abs(ours - theirs) <= 0.01, "\(name): ours \(aucs) mean \(ours), scikit-learn \(reference) mean \(theirs)")
    }
}
