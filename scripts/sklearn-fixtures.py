#!/usr/bin/env python3
"""Generate the scikit-learn reference fixtures for the Isolation Forest and LOF parity tests.

Prerequisite (not installed by this script, never at test time):
    pip install scikit-learn numpy

Usage (from the repository root):
    python3 scripts/sklearn-fixtures.py [--out Tests/ChurnGuardAnalyticsTests/Fixtures/sklearn]

Writes one small JSON file per dataset (data + scikit-learn's outputs + versions):
  lof_*.json     LocalOutlierFactor(n_neighbors=k).fit(X).negative_outlier_factor_, and for
                 some, LocalOutlierFactor(novelty=True).fit(X).score_samples(Q)
  iforest_*.json labelled data with planted outliers and scikit-learn's ROC AUC of
                 -IsolationForest(random_state=0).score_samples(X)
Everything is seeded, so reruns with the same library versions give the same files.
Each LOF file also records whether scikit-learn agrees (within 1e-9 relative) with a brute-force
reference that breaks distance ties by the lower row number, the rule the Swift code documents.
"""
import argparse
import json
import os

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor


def brute_nof(X, k):
    """LOF with exact distances and ties broken by the lower row number (the documented rule)."""
    n = len(X)
    diff = X[:, None, :] - X[None, :, :]
    d2 = np.einsum("ijk,ijk->ij", diff, diff)
    nbrs = np.empty((n, k), dtype=int)
    for i in range(n):
        order = np.lexsort((np.arange(n), d2[i]))
        order = order[order != i][:k]
        nbrs[i] = order
    dist = np.sqrt(d2[np.arange(n)[:, None], nbrs])
    kdist = dist[:, -1]
    lrd = 1.0 / (np.mean(np.maximum(dist, kdist[nbrs]), axis=1) + 1e-10)
    return -np.mean(lrd[nbrs] / lrd[:, None], axis=1)


def lof_fixture(name, X, k, Q=None, note=""):
    X = np.ascontiguousarray(X, dtype=np.float64)
    m = LocalOutlierFactor(n_neighbors=k).fit(X)
    nof = m.negative_outlier_factor_
    ref = brute_nof(X, m.n_neighbors_)
    agrees = bool(np.all(np.abs(ref - nof) <= 1e-9 * np.abs(nof)))
    out = {"name": name, "kind": "lof", "note": note, "n_neighbors": k,
           "effective_n_neighbors": int(m.n_neighbors_), "algorithm": m._fit_method,
           "X": X.tolist(), "negative_outlier_factor": nof.tolist(),
           "agrees_with_lower_index_tie_rule": agrees}
    if Q is not None:
        Q = np.ascontiguousarray(Q, dtype=np.float64)
        nov = LocalOutlierFactor(n_neighbors=k, novelty=True).fit(X)
        out["query"] = Q.tolist()
        out["score_samples"] = nov.score_samples(Q).tolist()
    return out


def iforest_fixture(name, X, y, note=""):
    X = np.ascontiguousarray(X, dtype=np.float64)
    aucs = []
    for seed in range(5):
        s = -IsolationForest(n_estimators=100, max_samples=256, random_state=seed).fit(X).score_samples(X)
        aucs.append(float(roc_auc_score(y, s)))
    return {"name": name, "kind": "iforest", "note": note, "n_estimators": 100, "max_samples": 256,
            "X": X.tolist(), "labels": [int(v) for v in y],
            "roc_auc": aucs[0], "roc_auc_random_states_0_4": aucs}


def planted(rng, n, d, share, spread=5.0):
    X = rng.standard_normal((n, d))
    y = np.zeros(n, dtype=int)
    k = max(1, int(round(n * share)))
    idx = rng.choice(n, size=k, replace=False)
    X[idx] = rng.uniform(-spread, spread, size=(k, d))
    y[idx] = 1
    return X, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="Tests/ChurnGuardAnalyticsTests/Fixtures/sklearn")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(20261129)
    fixtures = []

    # LOF: continuous data in 1, 2, 3 and 8 dimensions.
    blobs = np.vstack([rng.normal(0, 1, (90, 2)), rng.normal(6, 0.5, (60, 2)), rng.uniform(-8, 12, (10, 2))])
    fixtures.append(lof_fixture("lof_blobs_d2", blobs, 20, Q=np.vstack([rng.uniform(-8, 12, (20, 2)), blobs[:5]]),
                                note="two blobs plus uniform noise; novelty queries include 5 training rows"))
    fixtures.append(lof_fixture("lof_normal_d1", np.concatenate([rng.normal(0, 1, 140), rng.uniform(-9, 9, 10)])[:, None], 20,
                                Q=rng.uniform(-10, 10, (15, 1)), note="d=1, sorted-array path"))
    fixtures.append(lof_fixture("lof_normal_d3", rng.standard_normal((300, 3)) * [1.0, 2.0, 0.5], 10, note="d=3, k=10"))
    fixtures.append(lof_fixture("lof_normal_d8", rng.standard_normal((500, 8)), 20, Q=rng.standard_normal((20, 8)) * 2,
                                note="d=8, several tree levels"))
    # Duplicates: blocks of identical rows, fewer and more than k.
    base = rng.normal(0, 1, (60, 2))
    dups = np.vstack([base, np.repeat(base[:3], [4, 25, 2], axis=0), np.repeat([[10.0, 10.0]], 3, axis=0)])
    fixtures.append(lof_fixture("lof_duplicates_k20", dups, 20, Q=np.vstack([dups[60:62], [[10.0, 10.0], [0.1, 0.1]]]),
                                note="duplicate blocks of sizes 5, 26, 3 (one isolated); lrd 1e10 cases"))
    fixtures.append(lof_fixture("lof_duplicates_k5", dups, 5, note="same data, k=5: duplicate blocks larger than k"))
    # Ties: integer-valued data, where many neighbours are equidistant.
    fixtures.append(lof_fixture("lof_ties_counts_d1", rng.poisson(6, 200).astype(float)[:, None], 20,
                                note="d=1 Poisson counts: heavy duplicates and equidistant neighbours"))
    grid = np.array([[i, j] for i in range(10) for j in range(10)], dtype=float)
    fixtures.append(lof_fixture("lof_ties_grid_d2", np.vstack([grid, [[4.5, 4.5], [20.0, 0.0]]]), 8,
                                note="integer grid: equidistant neighbours at the k-th distance"))
    fixtures.append(lof_fixture("lof_small_n5", rng.standard_normal((5, 2)), 20, note="n=5 < k: k clamped to 4"))

    # Isolation Forest: labelled data with planted outliers.
    X, y = planted(rng, 1000, 2, 0.03)
    fixtures.append(iforest_fixture("iforest_planted_d2", X, y, note="3% uniform outliers in [-5,5]^2"))
    X, y = planted(rng, 1000, 1, 0.03, spread=6.0)
    fixtures.append(iforest_fixture("iforest_planted_d1", X, y, note="d=1"))
    X, y = planted(rng, 1500, 8, 0.02, spread=4.0)
    X[:, 5] = 3.0  # a constant feature: never split on
    fixtures.append(iforest_fixture("iforest_planted_d8_constant", X, y, note="d=8 with a constant column"))
    X, y = planted(rng, 300, 3, 0.05)
    fixtures.append(iforest_fixture("iforest_small_n300", X, y, note="n=300 (max_samples 256 < n)"))

    meta = {"sklearn": sklearn.__version__, "numpy": np.__version__}
    total = 0
    for f in fixtures:
        f["versions"] = meta
        path = os.path.join(a.out, f["name"] + ".json")
        with open(path, "w") as fh:
            json.dump(f, fh, separators=(",", ":"))
        total += os.path.getsize(path)
        extra = ""
        if f["kind"] == "lof":
            extra = "algorithm=%s agrees_with_tie_rule=%s" % (f["algorithm"], f["agrees_with_lower_index_tie_rule"])
        else:
            extra = "auc=%.4f (seeds 0-4: %s)" % (f["roc_auc"], ", ".join("%.4f" % v for v in f["roc_auc_random_states_0_4"]))
        print("%-28s %s" % (f["name"], extra))
    print("wrote %d fixtures, %d bytes, scikit-learn %s" % (len(fixtures), total, sklearn.__version__))


if __name__ == "__main__":
    main()
