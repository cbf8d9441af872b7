"""AHP weights: the published drinks example, options, properties of every result.

Published figures are written here as published (not computed with the code under test).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from ahp_helpers import DRINKS, DRINKS_MATRIX, DRINKS_PUBLISHED, INCOMPLETE, judgements
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_analytics.exceptions import AHPInputError
from pmo_analytics.scoring.ahp import GROUP, ahp_weights, comparison_matrix


def test_saaty_2008_drinks_example_weights_and_consistency_ratio():
    result = ahp_weights(judgements(DRINKS_MATRIX, DRINKS))
    assert result.weights.round(3).to_dict() == DRINKS_PUBLISHED
    assert round(result.consistency_ratio, 3) == 0.022
    assert result.acceptable


def test_saaty_2008_drinks_geometric_mean_is_close_to_published():
    result = ahp_weights(judgements(DRINKS_MATRIX, DRINKS), method="geometric_mean")
    published = pd.Series(DRINKS_PUBLISHED)
    assert (result.weights - published.reindex(result.weights.index)).abs().max() < 0.01


def test_alonso_lamata_random_index_changes_the_ratio_only():
    saaty = ahp_weights(judgements(DRINKS_MATRIX, DRINKS))
    al = ahp_weights(judgements(DRINKS_MATRIX, DRINKS), random_index="alonso_lamata")
    pd.testing.assert_series_equal(saaty.weights, al.weights)
    assert al.consistency_ratio == pytest.approx(saaty.consistency_index / 1.3417)


@st.composite
def weight_vectors(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(min_value=2, max_value=9))
    raw = draw(st.lists(st.floats(min_value=0.2, max_value=1.8), min_size=n, max_size=n))
    return np.array(raw) / sum(raw)


@given(weight_vectors(), st.sampled_from(["eigenvector", "geometric_mean"]))
@settings(max_examples=25, deadline=None)
def test_perfectly_consistent_matrix_gives_cr_zero_and_the_exact_weights(w, method):
    names = [f"c{k}" for k in range(len(w))]
    matrix = (w[:, None] / w[None, :]).tolist()
    result = ahp_weights(judgements(matrix, names), method=method)
    np.testing.assert_allclose(result.weights.reindex(names).to_numpy(), w, rtol=1e-9)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert result.lambda_max == pytest.approx(len(w), abs=1e-9)


@given(
    st.integers(min_value=3, max_value=7).flatmap(
        lambda n: st.lists(
            st.sampled_from([1 / 9, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 9]),
            min_size=n * (n - 1) // 2,
            max_size=n * (n - 1) // 2,
        )
    )
)
@settings(max_examples=25, deadline=None)
def test_weights_sum_to_one_and_cr_is_not_negative(ratios):
    n = int(round((1 + np.sqrt(1 + 8 * len(ratios))) / 2))
    names = [f"c{k}" for k in range(n)]
    pairs = list(itertools.combinations(names, 2))
    frame = pd.DataFrame(
        [(a, b, r) for (a, b), r in zip(pairs, ratios, strict=True)], columns=["a", "b", "ratio"]
    )
    for method in ("eigenvector", "geometric_mean"):
        result = ahp_weights(frame, method=method)
        assert result.weights.sum() == pytest.approx(1.0)
        assert (result.weights > 0).all()
        assert result.consistency_ratio >= 0
        assert result.lambda_max >= n - 1e-9
        shares = result.inconsistency["share"]
        assert shares.sum() == pytest.approx(1.0) or shares.sum() == 0


def test_invalid_options_and_missing_columns_are_errors():
    with pytest.raises(
        ValueError, match="method='power' is not valid; use one of eigenvector, geometric_mean"
    ):
        ahp_weights(INCOMPLETE, method="power")
    with pytest.raises(ValueError, match="completion='x' is not valid"):
        ahp_weights(INCOMPLETE, completion="x")
    with pytest.raises(AHPInputError, match="lack column"):
        ahp_weights(INCOMPLETE.drop(columns="ratio"))
    with pytest.raises(AHPInputError, match="no judgements given"):
        ahp_weights(INCOMPLETE.iloc[:0])


def test_comparison_matrix_is_reciprocal():
    matrix = comparison_matrix(judgements(DRINKS_MATRIX, DRINKS)).to_numpy()
    np.testing.assert_allclose(matrix * matrix.T, np.ones_like(matrix))


def test_detail_false_gives_the_same_weights_without_the_explanations():
    frame = pd.concat(
        [
            judgements(DRINKS_MATRIX, DRINKS, "A"),
            judgements(DRINKS_MATRIX, DRINKS, "B").assign(ratio=lambda f: f["ratio"] ** 0.5),
        ]
    )
    full = ahp_weights(frame)
    quick = ahp_weights(frame, detail=False)
    pd.testing.assert_series_equal(full.weights, quick.weights)
    assert quick.consistency_ratio == pytest.approx(full.consistency_ratio)
    assert set(quick.stakeholder_weights["stakeholder"]) == {GROUP}
    assert quick.inconsistency.empty
    assert set(full.stakeholder_weights["stakeholder"]) == {"A", "B", GROUP}
