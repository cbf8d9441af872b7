"""Weighted criteria scoring: normalisations, cost criteria, missing scores, weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pmo_analytics as pa
from pmo_analytics.scoring.weighted import (
    SCORE_COLUMNS,
    criteria_weights,
    score_matrix,
    score_projects,
    strategic_value,
    weighted_scores,
)

CRITERIA = pd.DataFrame(
    {
        "criterion": ["fit", "return", "risk"],
        "weight": [0.5, 0.3, 0.2],
        "direction": ["benefit", "benefit", "cost"],
    }
)
SCORES = pd.DataFrame(
    {
        "project_id": np.repeat(["A", "B", "C"], 3),
        "criterion": ["fit", "return", "risk"] * 3,
        "score": [10, 2, 8, 5, 6, 4, 0, 10, 0],
    }
)


def by_project(scored: pd.DataFrame, column: str) -> pd.DataFrame:
    return scored.pivot(index="project_id", columns="criterion", values=column)[
        ["fit", "return", "risk"]
    ]


def test_minmax_by_hand_with_the_cost_criterion_inverted():
    scored = score_projects(SCORES, CRITERIA)
    assert list(scored.columns) == SCORE_COLUMNS
    normalised = by_project(scored, "normalised")
    np.testing.assert_allclose(normalised.loc["A"], [1.0, 0.0, 0.0])  # risk 8 is the worst
    np.testing.assert_allclose(normalised.loc["B"], [0.5, 0.5, 0.5])
    np.testing.assert_allclose(normalised.loc["C"], [0.0, 1.0, 1.0])  # risk 0 is the best
    totals = weighted_scores(scored)
    assert totals.to_dict() == pytest.approx({"A": 0.5, "B": 0.5, "C": 0.5})
    # ties ranked by project_id
    assert scored.drop_duplicates("project_id")[["project_id", "rank"]].values.tolist() == [
        ["A", 1], ["B", 2], ["C", 3],
    ]  # fmt: skip


def test_other_normalisations_by_hand():
    z = by_project(score_projects(SCORES, CRITERIA, normalise="zscore"), "normalised")
    fit = np.array([10, 5, 0.0])
    np.testing.assert_allclose(z["fit"], (fit - fit.mean()) / fit.std())
    risk = np.array([8, 4, 0.0])
    np.testing.assert_allclose(z["risk"], -(risk - risk.mean()) / risk.std())
    ranked = by_project(score_projects(SCORES, CRITERIA, normalise="rank"), "normalised")
    np.testing.assert_allclose(ranked["fit"], [1.0, 0.5, 0.0])
    np.testing.assert_allclose(ranked["risk"], [0.0, 0.5, 1.0])
    raw = by_project(score_projects(SCORES, CRITERIA, normalise="none"), "normalised")
    np.testing.assert_allclose(raw["fit"], [10, 5, 0])
    np.testing.assert_allclose(raw["risk"], [0, 4, 8])  # mirrored within the observed 0..8


def test_rank_ties_share_their_average_position_and_flat_criteria_are_neutral():
    scores = pd.DataFrame({"project_id": list("ABC"), "criterion": "fit", "score": [3.0, 3.0, 1.0]})
    criteria = pd.DataFrame({"criterion": ["fit"], "weight": [1.0]})
    ranked = score_projects(scores, criteria, normalise="rank").set_index("project_id")[
        "normalised"
    ]
    assert ranked.to_dict() == {"A": 0.75, "B": 0.75, "C": 0.0}
    flat = scores.assign(score=4.0)
    minmax = score_projects(flat, criteria).set_index("project_id")["normalised"]
    assert (minmax == 0.5).all()


def test_contributions_stack_to_the_weighted_score():
    portfolio = pa.generate_portfolio(30, n_periods=6, seed=2)
    for method in ("minmax", "zscore", "rank", "none"):
        scored = score_projects(portfolio.scores, portfolio.criteria, normalise=method)
        sums = scored.groupby("project_id")["contribution"].sum()
        np.testing.assert_allclose(
            scored.groupby("project_id")["weighted_score"].first().reindex(sums.index), sums
        )
        np.testing.assert_allclose(scored["contribution"], scored["weight"] * scored["normalised"])
        assert scored.drop_duplicates("criterion")["weight"].sum() == pytest.approx(1.0)
        ranks = scored.drop_duplicates("project_id").set_index("project_id")
        assert ranks["weighted_score"].is_monotonic_decreasing
        assert ranks["rank"].tolist() == list(range(1, 31))


# scores as people write them: no subnormal numbers, whose scaling rounds to 0 and ties them
@given(
    st.lists(st.floats(0, 10, allow_subnormal=False), min_size=6, max_size=6),
    st.floats(0.1, 50),
)
@settings(max_examples=25, deadline=None)
def test_minmax_and_rank_ignore_the_scale_of_the_scores(values, factor):
    scores = pd.DataFrame({"project_id": list("ABCDEF"), "criterion": "fit", "score": values})
    criteria = pd.DataFrame({"criterion": ["fit"], "weight": [1.0]})
    for method in ("minmax", "rank"):
        base = score_projects(scores, criteria, normalise=method).set_index("project_id")[
            "normalised"
        ]
        scaled = score_projects(
            scores.assign(score=scores["score"] * factor), criteria, normalise=method
        )
        np.testing.assert_allclose(
            scaled.set_index("project_id")["normalised"].reindex(base.index), base, atol=1e-9
        )
        assert base.between(0, 1).all()


def test_missing_scores_error_by_default_and_listed():
    holes = SCORES.drop(index=[1, 5])
    with pytest.raises(
        ValueError, match=r"2 missing scores \(project/criterion: A/return, B/risk\)"
    ):
        score_projects(holes, CRITERIA)


def test_missing_scores_as_zero_or_the_criterion_mean():
    holes = SCORES.drop(index=[1])  # A has no 'return' score
    zero = score_matrix(holes, CRITERIA, missing="zero")
    assert zero.loc["A", "return"] == 0.0
    mean = score_matrix(holes, CRITERIA, missing="mean")
    assert mean.loc["A", "return"] == pytest.approx((6 + 10) / 2)
    unscored = score_matrix(SCORES, CRITERIA, missing="zero", project_ids=["A", "Z"])
    assert unscored.loc["Z"].tolist() == [0.0, 0.0, 0.0]


def test_bad_scores_are_errors():
    with pytest.raises(ValueError, match="unknown criteria speed; known: fit, return, risk"):
        score_projects(
            pd.concat([SCORES, pd.DataFrame([("A", "speed", 1.0)], columns=SCORES.columns)]),
            CRITERIA,
        )
    with pytest.raises(
        ValueError, match=r"scored twice on one criterion \(project/criterion: A/fit\)"
    ):
        score_projects(pd.concat([SCORES, SCORES.iloc[[0]]]), CRITERIA)
    with pytest.raises(ValueError, match="scores must be numbers ≥ 0; not so for A/fit"):
        score_projects(SCORES.assign(score=[-1, 2, 8, 5, 6, 4, 0, 10, 0]), CRITERIA)
    with pytest.raises(
        ValueError, match="normalise='log' is not valid; use one of minmax, zscore, rank, none"
    ):
        score_projects(SCORES, CRITERIA, normalise="log")
    with pytest.raises(ValueError, match="missing='drop' is not valid"):
        score_projects(SCORES, CRITERIA, missing="drop")
    with pytest.raises(ValueError, match="direction must be benefit or cost; got risk='loss'"):
        score_projects(SCORES, CRITERIA.assign(direction=["benefit", "benefit", "loss"]))


def test_weights_from_criteria_from_comparisons_or_equal():
    assert criteria_weights(CRITERIA).tolist() == pytest.approx([0.5, 0.3, 0.2])
    blank = CRITERIA.assign(weight=[np.nan, 3.0, 1.0])
    assert criteria_weights(blank).tolist() == pytest.approx([0.0, 0.75, 0.25])
    unweighted = CRITERIA.assign(weight=np.nan)
    assert criteria_weights(unweighted).tolist() == pytest.approx([1 / 3] * 3)
    comparisons = pd.DataFrame(
        {"a": ["fit", "fit", "return"], "b": ["return", "risk", "risk"], "ratio": [2.0, 4.0, 2.0]}
    )
    from_ahp = criteria_weights(unweighted, comparisons)
    assert from_ahp.round(4).tolist() == [0.5714, 0.2857, 0.1429]
    with pytest.raises(ValueError, match="criteria weights must be ≥ 0; negative for risk"):
        criteria_weights(CRITERIA.assign(weight=[1.0, 1.0, -1.0]))
    with pytest.raises(pa.AHPInputError, match="do not connect all criteria"):
        criteria_weights(unweighted, comparisons.iloc[:1])


def test_explicit_weights_are_checked_and_normalised():
    scored = score_projects(
        SCORES, CRITERIA, weights=pd.Series({"fit": 2.0, "return": 1.0, "risk": 1.0})
    )
    assert scored.drop_duplicates("criterion")["weight"].tolist() == [0.5, 0.25, 0.25]
    with pytest.raises(ValueError, match="weights lack criteria risk"):
        score_projects(SCORES, CRITERIA, weights=pd.Series({"fit": 1.0, "return": 1.0}))


def test_strategic_value_keeps_value_where_given_else_the_weighted_score_on_the_score_scale():
    projects = pd.DataFrame(
        {"value": [7.0, np.nan, 1.0, np.nan]},
        index=pd.Index(["A", "B", "C", "Q"], name="project_id"),
    )
    holes = SCORES[~((SCORES["project_id"] == "B") & (SCORES["criterion"] == "return"))]
    values = strategic_value(projects, holes, CRITERIA)
    assert values["A"] == 7.0
    # B: fit 5, return missing → 0, risk 4 mirrored within the portfolio's 0..8 → 4
    assert values["B"] == pytest.approx(0.5 * 5 + 0.3 * 0 + 0.2 * 4)
    assert np.isnan(values["Q"])  # neither a value nor scores


def test_sample_weights_come_from_the_stakeholders_judgements(sample_portfolio):
    criteria = sample_portfolio.criteria
    assert criteria["weight"].isna().all()
    weights = criteria_weights(criteria, sample_portfolio.comparisons)
    expected = pa.ahp_weights(sample_portfolio.comparisons).weights
    pd.testing.assert_series_equal(weights, expected.reindex(weights.index), check_names=False)
    scored = score_projects(
        sample_portfolio.scores, criteria, comparisons=sample_portfolio.comparisons
    )
    assert scored["project_id"].nunique() == sample_portfolio.scores["project_id"].nunique()
