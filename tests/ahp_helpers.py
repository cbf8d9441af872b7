"""Shared data of the AHP tests: judgements from a matrix, and published examples.

Published figures are written here as published (not computed with the code under test).
"""

from __future__ import annotations

import itertools

import pandas as pd


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


# AHPy (P. Griffith), README "Missing Pairwise Comparisons": the complete matrix gives
# b .3917, a .3742, d .1349, c .0991; without (c, d) the λmax-optimal completion (Bozóki, Fülöp &
# Rónyai 2010) fills c/d = 0.7302971 and gives b .392, a .3738, d .1357, c .0985.
INCOMPLETE = pd.DataFrame(
    [("a", "b", 1), ("a", "c", 5), ("a", "d", 2), ("b", "c", 3), ("b", "d", 4), ("c", "d", 3 / 4)],
    columns=["a", "b", "ratio"],
)
