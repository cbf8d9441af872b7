"""AHP weights, consistency, incomplete, group and hierarchical judgements.

Published figures are written here as published (not computed with the code under test).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_analytics.ahp import (
    ALONSO_LAMATA_RANDOM_INDEX,
    GOAL,
    GROUP,
    SAATY_RANDOM_INDEX,
    AHPInputError,
    ahp_weights,
    comparison_matrix,
    random_index,
)


def judgements(
    matrix: list[list[float]], names: list[str], stakeholder: str | None = None
) -> pd.DataFrame:
    """The upper triangle of a reciprocal matrix as comparisons rows (a, b, ratio)."""
    rows = [
        (names[i], names[j], matrix[i][j]) for i, j in itertools.combinations(range(len(names)), 2)
    ]
    frame = pd.DataFrame(rows, columns=["a", "b", "ratio"])
    if stakeholder is not None:
        frame.insert(0, "stakeholder", stakeholder)
    return frame


# Saaty, T.L. (2008) "Decision making with the analytic hierarchy process", Int. J. Services
# Sciences 1(1), pp. 83-98: "Which drink is consumed more in the U.S.?" — the judgement matrix,
# the derived priorities (.177 .019 .042 .116 .190 .129 .327) and C.R. = .022.
DRINKS = ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"]
DRINKS_MATRIX = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]
DRINKS_PUBLISHED = {
    "coffee": 0.177, "wine": 0.019, "tea": 0.042, "beer": 0.116, "sodas": 0.190, "milk": 0.129,
    "water": 0.327,
}  # fmt: skip


def test_saaty_2008_drinks_example_weights_and_consistency_ratio():
    result = ahp_weights(judgements(DRINKS_MATRIX, DRINKS))
    assert result.weights.round(3).to_dict() == DRINKS_PUBLISHED
    assert round(result.consistency_ratio, 3) == 0.022
    assert result.acceptable


def test_saaty_2008_drinks_geometric_mean_is_close_to_published():
    result = ahp_weights(judgements(DRINKS_MATRIX, DRINKS), method="geometric_mean")
    published = pd.Series(DRINKS_PUBLISHED)
    assert (result.weights - published.reindex(result.weights.index)).abs().max() < 0.01


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


def test_alonso_lamata_random_index_changes_the_ratio_only():
    saaty = ahp_weights(judgements(DRINKS_MATRIX, DRINKS))
    al = ahp_weights(judgements(DRINKS_MATRIX, DRINKS), random_index="alonso_lamata")
    pd.testing.assert_series_equal(saaty.weights, al.weights)
    assert al.consistency_ratio == pytest.approx(saaty.consistency_index / 1.3417)


# AHPy (P. Griffith), README "Missing Pairwise Comparisons": the complete matrix gives
# b .3917, a .3742, d .1349, c .0991; without (c, d) the λmax-optimal completion (Bozóki, Fülöp &
# Rónyai 2010) fills c/d = 0.7302971 and gives b .392, a .3738, d .1357, c .0985.
INCOMPLETE = pd.DataFrame(
    [("a", "b", 1), ("a", "c", 5), ("a", "d", 2), ("b", "c", 3), ("b", "d", 4), ("c", "d", 3 / 4)],
    columns=["a", "b", "ratio"],
)


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


# ------------------------------------------------------------------- several stakeholders
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


# ------------------------------------------------------------------- hierarchy
# AHPy README, "Purchasing a vehicle" (the Wikipedia AHP car example): criteria Cost, Safety,
# Style, Capacity; Cost → Price, Fuel, Maintenance, Resale; Capacity → Cargo, Passenger. Published
# weights: Cost .51, Safety .234, Capacity .215, Style .041; global Price .249, Fuel .129,
# Resale .082, Maintenance .051; Cargo local .1667, global .0358.
CAR = pd.DataFrame(
    [
        ("Cost", "Safety", 3), ("Cost", "Style", 7), ("Cost", "Capacity", 3),
        ("Safety", "Style", 9), ("Safety", "Capacity", 1), ("Style", "Capacity", 1 / 7),
        ("Price", "Fuel", 2), ("Price", "Maintenance", 5), ("Price", "Resale", 3),
        ("Fuel", "Maintenance", 2), ("Fuel", "Resale", 2), ("Maintenance", "Resale", 1 / 2),
        ("Cargo", "Passenger", 1 / 5),
    ],
    columns=["a", "b", "ratio"],
)  # fmt: skip
CAR_TREE = {
    "Price": "Cost",
    "Fuel": "Cost",
    "Maintenance": "Cost",
    "Resale": "Cost",
    "Cargo": "Capacity",
    "Passenger": "Capacity",
}


def test_hierarchy_rolls_local_weights_up_to_the_published_global_weights():
    result = ahp_weights(CAR, hierarchy=CAR_TREE)
    levels = result.levels.set_index("criterion")
    assert levels.loc[["Cost", "Safety", "Capacity", "Style"], "global_weight"].round(
        3
    ).tolist() == [0.51, 0.234, 0.215, 0.041]
    # published as products of weights already rounded to 4 places: agree within 0.001
    published = pd.Series({"Price": 0.249, "Fuel": 0.129, "Resale": 0.082, "Maintenance": 0.051})
    assert (levels.loc[published.index, "global_weight"] - published).abs().max() <= 0.001
    assert levels.loc["Cargo", "local_weight"].round(4) == 0.1667
    assert levels.loc["Cargo", "global_weight"].round(4) == 0.0358
    # the weights are those of the leaves, summing to 1
    assert set(result.weights.index) == {
        "Price",
        "Fuel",
        "Maintenance",
        "Resale",
        "Safety",
        "Style",
        "Cargo",
        "Passenger",
    }
    assert result.weights.sum() == pytest.approx(1.0)
    assert result.weights["Passenger"] == pytest.approx(
        levels.loc["Capacity", "global_weight"] * 5 / 6
    )


def test_hierarchy_consistency_ratio_is_saatys_weighted_sum_over_nodes():
    result = ahp_weights(CAR, hierarchy=CAR_TREE)
    nodes = result.nodes
    assert set(nodes) == {GOAL, "Cost", "Capacity"}
    g = result.levels.set_index("criterion")["global_weight"]
    ci = nodes[GOAL].consistency_index + g["Cost"] * nodes["Cost"].consistency_index
    ri = nodes[GOAL].random_index + g["Cost"] * nodes["Cost"].random_index
    assert result.consistency_ratio == pytest.approx(ci / ri)
    assert nodes["Capacity"].consistency_ratio == 0.0
    assert "node" in result.inconsistency.columns


def test_hierarchy_accepts_a_frame_and_rejects_comparisons_across_parents():
    frame = pd.DataFrame({"criterion": list(CAR_TREE), "parent": list(CAR_TREE.values())})
    assert ahp_weights(CAR, hierarchy=frame).weights.equals(
        ahp_weights(CAR, hierarchy=CAR_TREE).weights
    )
    bad = pd.concat([CAR, pd.DataFrame([("Price", "Cargo", 2.0)], columns=["a", "b", "ratio"])])
    with pytest.raises(AHPInputError, match="compares criteria under different parents"):
        ahp_weights(bad, hierarchy=CAR_TREE)


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
