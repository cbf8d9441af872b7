"""A hierarchy of criteria: local weights rolled up to global ones, the hierarchy's CR.

Published figures are written here as published (not computed with the code under test).
"""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_analytics.exceptions import AHPInputError
from pmo_analytics.scoring.ahp import GOAL, ahp_weights

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
