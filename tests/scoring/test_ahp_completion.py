"""Incomplete judgements: the missing pairs filled to minimise λmax, or by log least squares.

Published figures are written here as published (not computed with the code under test).
"""

from __future__ import annotations

import numpy as np
import pytest
from ahp_helpers import INCOMPLETE, judgements

from pmo_analytics.scoring.ahp import ahp_weights


def test_complete_matrix_of_the_ahpy_example():
    weights = ahp_weights(INCOMPLETE).weights.round(4).to_dict()
    assert weights == {"a": 0.3742, "b": 0.3917, "c": 0.0991, "d": 0.1349}


def test_missing_pair_completed_to_minimise_lambda_max_as_published():
    result = ahp_weights(INCOMPLETE.iloc[:5])
    assert result.weights.round(4).to_dict() == {"a": 0.3738, "b": 0.392, "c": 0.0985, "d": 0.1357}
    assert result.completed[["a", "b"]].values.tolist() == [["c", "d"]]
    assert result.completed["ratio"].iloc[0] == pytest.approx(0.7302971, abs=1e-6)


def test_lambda_max_completion_is_no_worse_than_llsm():
    rng = np.random.default_rng(5)
    names = list("abcdef")
    full = judgements(np.exp(rng.normal(0, 1, (6, 6))).tolist(), names)
    full["ratio"] = full["ratio"].clip(1 / 9, 9)
    partial = full.drop(index=[1, 7, 12])
    best = ahp_weights(partial, completion="lambda_max")
    llsm = ahp_weights(partial, completion="llsm")
    assert best.lambda_max <= llsm.lambda_max + 1e-9
    assert len(best.completed) == 3
    # the llsm completion is w_a / w_b of the log least squares weights (= row geometric means)
    geo = ahp_weights(partial, completion="llsm", method="geometric_mean")
    row = llsm.completed.iloc[0]
    assert row["ratio"] == pytest.approx(geo.weights[row["a"]] / geo.weights[row["b"]])
