"""One pairwise matrix: random indices as published, the judgements that cause inconsistency.

Published figures are written here as published (not computed with the code under test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ahp_helpers import judgements

from pmo_analytics.scoring.ahp import (
    ALONSO_LAMATA_RANDOM_INDEX,
    SAATY_RANDOM_INDEX,
    ahp_weights,
    random_index,
)


def test_random_index_tables_as_published():
    # Saaty (1980), The Analytic Hierarchy Process, McGraw-Hill, p. 21
    assert [SAATY_RANDOM_INDEX[n] for n in range(3, 11)] == [
        0.58,
        0.90,
        1.12,
        1.24,
        1.32,
        1.41,
        1.45,
        1.49,
    ]
    # Alonso & Lamata (2006), IJUFKS 14(4), pp. 445-459, random index for n = 3..15
    assert [ALONSO_LAMATA_RANDOM_INDEX[n] for n in range(3, 16)] == [
        0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854, 1.5141, 1.5365,
        1.5551, 1.5713, 1.5838,
    ]  # fmt: skip
    assert random_index(4) == 0.90
    assert random_index(4, source="alonso_lamata") == 0.8815
    assert random_index(12) == 1.5365  # beyond Saaty's table: Alonso & Lamata
    # beyond both tables: Alonso & Lamata's fitted line λ̄max = 2.7699 n − 4.3513
    assert random_index(20) == pytest.approx((1.7699 * 20 - 4.3513) / 19)
    with pytest.raises(ValueError, match="random_index='x' is not valid"):
        random_index(4, source="x")


def test_planted_inconsistent_judgement_is_ranked_first_to_revisit():
    w = np.array([0.4, 0.25, 0.15, 0.12, 0.08])
    names = list("vwxyz")
    frame = judgements((w[:, None] / w[None, :]).tolist(), names)
    frame.loc[(frame["a"] == "w") & (frame["b"] == "y"), "ratio"] = 1 / 6  # should be ≈ 2
    result = ahp_weights(frame)
    assert result.consistency_ratio > 0.10
    assert not result.acceptable
    top = result.inconsistency.iloc[0]
    assert (top["a"], top["b"], top["rank"]) == ("w", "y", 1)
    assert top["ratio"] == pytest.approx(1 / 6)
    assert top["suggested"] == 2.0
    assert top["cr_if_revised"] < 0.01  # putting it back makes the set consistent again


def test_inconsistency_reports_judgements_as_written():
    frame = pd.DataFrame({"a": ["y", "x", "x"], "b": ["x", "z", "y"], "ratio": [1 / 3, 4.0, 3.0]})
    # (y, x, 1/3) and (x, y, 3) are the same judgement, so it counts once
    result = ahp_weights(frame)
    table = result.inconsistency
    assert len(table) == 2
    row = table[(table["a"] == "x") & (table["b"] == "z")].iloc[0]
    assert row["ratio"] == pytest.approx(4.0)


def test_consistent_ratio_and_revised_cr_match_one_judgement_at_a_time():
    # the ranking solves one least-squares system and one eigenproblem per judgement as a
    # stack; here each is done alone with numpy's lstsq and eig
    rng = np.random.default_rng(11)
    names = list("vwxyz")
    matrix = np.exp(np.triu(rng.normal(0, 0.8, (5, 5)), 1))
    matrix = np.triu(matrix, 1) + np.tril(1 / matrix.T, -1) + np.eye(5)
    result = ahp_weights(judgements(matrix.tolist(), names))
    upper = list(zip(*np.triu_indices(5, 1), strict=True))
    for row in result.inconsistency.itertuples():
        i, j = names.index(row.a), names.index(row.b)
        others = [(p, q) for p, q in upper if (p, q) != (i, j)]
        design = np.zeros((len(others), 5))
        for k, (p, q) in enumerate(others):
            design[k, p], design[k, q] = 1.0, -1.0
        logs = np.log([matrix[p, q] for p, q in others])
        y = np.linalg.lstsq(design, logs, rcond=None)[0]
        assert row.consistent_ratio == pytest.approx(np.exp(y[i] - y[j]), rel=1e-9)
        revised = matrix.copy()
        revised[i, j], revised[j, i] = row.consistent_ratio, 1 / row.consistent_ratio
        lam = np.linalg.eigvals(revised).real.max()
        assert row.cr_if_revised == pytest.approx((lam - 5) / 4 / 1.12, rel=1e-9, abs=1e-12)


def test_a_ratio_midway_on_saatys_scale_suggests_the_milder_judgement():
    for ratio, suggested in ((2**0.5, 1.0), (2**-0.5, 1.0), (6**0.5, 2.0), (6**-0.5, 0.5)):
        frame = pd.DataFrame({"a": ["x"], "b": ["y"], "ratio": [ratio]})
        assert ahp_weights(frame).inconsistency["suggested"].tolist() == [suggested]


def test_judgements_with_equal_shares_are_ranked_by_their_names():
    # a cycle of four equal judgements: each is as much to blame as the others
    frame = pd.DataFrame(
        {"a": ["x2", "x0", "x3", "x1"], "b": ["x3", "x1", "x0", "x2"], "ratio": [2.0] * 4}
    )
    table = ahp_weights(frame).inconsistency
    assert table["share"].to_numpy() == pytest.approx([0.25] * 4)
    assert list(zip(table["a"], table["b"], strict=True)) == [
        ("x0", "x1"),
        ("x0", "x3"),  # the group's judgements name each pair in name order
        ("x1", "x2"),
        ("x2", "x3"),
    ]
