"""Judgements as given: several stakeholders combined, and every kind of bad judgement.

Published figures are written here as published (not computed with the code under test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ahp_helpers import INCOMPLETE

from pmo_analytics.exceptions import AHPInputError
from pmo_analytics.scoring.ahp import GROUP, ahp_weights


def test_group_judgement_is_the_geometric_mean_of_individual_judgements():
    frame = pd.DataFrame(
        {
            "stakeholder": ["CFO", "CFO", "CFO", "CIO", "CIO", "CIO"],
            "a": ["x", "x", "y", "x", "x", "z"],
            "b": ["y", "z", "z", "y", "z", "y"],
            "ratio": [2.0, 4.0, 2.0, 8.0, 1.0, 1 / 2],
        }
    )
    result = ahp_weights(frame)
    matrix = result.matrix
    assert matrix.loc["x", "y"] == pytest.approx(np.sqrt(2.0 * 8.0))
    assert matrix.loc["x", "z"] == pytest.approx(np.sqrt(4.0 * 1.0))
    assert matrix.loc["y", "z"] == pytest.approx(np.sqrt(2.0 * 2.0))
    assert matrix.loc["z", "y"] == pytest.approx(1 / np.sqrt(2.0 * 2.0))
    table = result.stakeholder_weights
    assert set(table["stakeholder"]) == {"CFO", "CIO", GROUP}
    assert table.groupby("stakeholder")["weight"].sum().round(12).eq(1.0).all()
    cfo = table[table["stakeholder"] == "CFO"].set_index("criterion")["weight"]
    np.testing.assert_allclose(cfo[["x", "y", "z"]], [4 / 7, 2 / 7, 1 / 7])  # consistent judgements
    consistency = result.stakeholder_consistency
    assert consistency.loc["CFO", "consistency_ratio"] == pytest.approx(0.0, abs=1e-9)
    assert consistency.loc[GROUP, "consistency_ratio"] == pytest.approx(result.consistency_ratio)


def test_stakeholder_weights_tilt_the_group_geometric_mean():
    frame = pd.DataFrame(
        {"stakeholder": ["A", "B"], "a": ["x", "x"], "b": ["y", "y"], "ratio": [9.0, 1 / 9]}
    )
    even = ahp_weights(frame)
    assert even.weights["x"] == pytest.approx(0.5)
    tilted = ahp_weights(frame, stakeholder_weights={"A": 3.0, "B": 1.0})
    assert tilted.matrix.loc["x", "y"] == pytest.approx(9.0 ** (3 / 4) * (1 / 9) ** (1 / 4))
    with pytest.raises(AHPInputError, match="stakeholder_weights lacks B"):
        ahp_weights(frame, stakeholder_weights={"A": 1.0})


def test_each_stakeholder_may_leave_pairs_out_if_their_judgements_still_connect():
    frame = pd.DataFrame(
        {
            "stakeholder": ["A", "A", "B", "B"],
            "a": ["x", "y", "x", "x"],
            "b": ["y", "z", "y", "z"],
            "ratio": [2.0, 2.0, 2.0, 4.0],
        }
    )
    result = ahp_weights(frame)
    assert result.weights.round(4).to_dict() == {"x": 0.5714, "y": 0.2857, "z": 0.1429}


def test_sample_portfolio_judgements_of_three_stakeholders(sample_portfolio):
    result = ahp_weights(
        sample_portfolio.comparisons, criteria=sample_portfolio.criteria["criterion"]
    )
    people = set(result.stakeholder_weights["stakeholder"]) - {GROUP}
    assert len(people) == 3
    assert result.weights.sum() == pytest.approx(1.0)
    assert set(result.weights.index) == set(sample_portfolio.criteria["criterion"])


# ------------------------------------------------------------------- bad input
def test_judgement_outside_saatys_scale_is_an_error():
    frame = INCOMPLETE.assign(ratio=[1, 5, 2, 3, 12, 0.1])
    with pytest.raises(
        AHPInputError, match=r"ratio 12 is outside Saaty's scale \[1/9, 9\]"
    ) as caught:
        ahp_weights(frame)
    assert len(caught.value.problems) == 2  # 12 and 0.1, reported together
    assert "ratio 0.1 is outside" in str(caught.value)


def test_one_ninth_written_with_two_decimals_is_accepted():
    frame = pd.DataFrame({"a": ["x"], "b": ["y"], "ratio": [0.11]})
    assert ahp_weights(frame).weights["y"] > 0.89


def test_contradictory_repeated_judgement_is_an_error():
    frame = pd.DataFrame(
        {"stakeholder": "CFO", "a": ["x", "y", "x"], "b": ["y", "x", "z"], "ratio": [3.0, 3.0, 2.0]}
    )
    with pytest.raises(
        AHPInputError,
        match="stakeholder 'CFO' judge x vs y more than once with contradictory values",
    ):
        ahp_weights(frame)


def test_consistent_repeat_and_different_stakeholders_are_not_contradictions():
    frame = pd.DataFrame(
        {
            "stakeholder": ["A", "A", "B"],
            "a": ["x", "y", "x"],
            "b": ["y", "x", "y"],
            "ratio": [3.0, 0.333, 5.0],
        }
    )
    result = ahp_weights(frame)
    assert result.matrix.loc["x", "y"] == pytest.approx(np.sqrt(3.0 * 5.0), rel=1e-3)


def test_criterion_compared_with_itself_and_non_numbers_are_errors():
    frame = pd.DataFrame({"a": ["x", "x", "x"], "b": ["x", "y", "z"], "ratio": ["1", "abc", "2"]})
    with pytest.raises(AHPInputError, match="criterion x is compared with itself") as caught:
        ahp_weights(frame)
    assert any("ratio 'abc' is not a number" in p for p in caught.value.problems)


def test_criteria_not_connected_by_any_comparison_are_an_error():
    frame = pd.DataFrame({"a": ["w", "y"], "b": ["x", "z"], "ratio": [2.0, 3.0]})
    with pytest.raises(AHPInputError, match=r"do not connect all criteria.*w, x \| y, z"):
        ahp_weights(frame)


def test_criterion_never_compared_and_unknown_criteria_are_errors():
    frame = pd.DataFrame({"a": ["x"], "b": ["y"], "ratio": [2.0]})
    with pytest.raises(AHPInputError, match="do not connect all criteria"):
        ahp_weights(frame, criteria=["x", "y", "z"])
    with pytest.raises(AHPInputError, match="unknown criteria y; known: x, z"):
        ahp_weights(frame, criteria=["x", "z"])


def test_a_stakeholder_whose_judgements_do_not_connect_is_named():
    frame = pd.DataFrame(
        {
            "stakeholder": ["A", "A", "B"],
            "a": ["x", "y", "x"],
            "b": ["y", "z", "y"],
            "ratio": [2.0, 2.0, 3.0],
        }
    )
    with pytest.raises(AHPInputError, match="stakeholder 'B'"):
        ahp_weights(frame)
