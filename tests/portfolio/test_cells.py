"""Text cells to typed values: numbers, periods, booleans, words; text lookups."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_analytics.portfolio.cells import parse_cells, parse_numbers, period_codes, text_positions


def test_parse_numbers_plain_and_decimal_comma():
    values, bad = parse_numbers(pd.Series(["1.5", "", "1,5", "1e3", "-2", "12k", "1/4", "+3"]))
    assert np.allclose(values[[0, 3, 4, 6, 7]], [1.5, 1000.0, -2.0, 0.25, 3.0])
    assert bad.tolist() == [False, False, True, False, False, True, False, False]
    values, bad = parse_numbers(pd.Series(["1,5", "2.5", "1.234,5", "7"]), decimal_comma=True)
    assert values[[0, 1, 3]].tolist() == [1.5, 2.5, 7.0]
    assert bad.tolist() == [False, False, True, False]


def test_period_codes_parse_each_distinct_label():
    freqs, ordinals = period_codes(pd.Series(["2027Q1", "2027Q1", "", "2027-02", "2027Q5", None]))
    assert freqs.tolist() == ["Q-DEC", "Q-DEC", "", "M", None, ""]
    assert (
        ordinals[0] == pd.Period("2027Q1").ordinal and ordinals[3] == pd.Period("2027-02").ordinal
    )


def test_text_positions_first_match_or_minus_one():
    keys = pd.Index(["P1", "P2", "P3"])
    assert text_positions(pd.Series(["P3", "P9", None, "P1"]), keys).tolist() == [2, -1, -1, 0]


def test_parse_cells_types_a_column_and_names_each_broken_rule():
    from pmo_analytics.portfolio.schema import TABLES

    duration = TABLES["projects"].columns["duration"]  # int, at least 1
    values, problems = parse_cells(pd.Series(["3", "", "2.5", "x", "1e20"]), duration)
    assert values.isna().tolist() == [False, True, True, True, True] and values.iloc[0] == 3
    assert [(mask.tolist(), rule.split(" (")[0]) for mask, rule in problems] == [
        ([False, False, False, True, False], "not a number"),
        ([False, False, False, False, True], "beyond the limit of 1,000 periods"),
        ([False, False, True, False, False], "must be a whole number"),
    ]
    period = TABLES["budget"].columns["period"]  # required
    values, problems = parse_cells(pd.Series(["2027Q1", "", "2027-02"]), period, freq="Q-DEC")
    assert values.iloc[0] == pd.Period("2027Q1") and values.iloc[1:].isna().all()
    assert [(mask.tolist(), rule) for mask, rule in problems if mask.any()] == [
        ([False, True, False], "a value is required"),
        (
            [False, False, True],
            "mixed period frequencies: this portfolio uses quarters (like 2027Q1)",
        ),
    ]
    status = TABLES["projects"].columns["status"]  # words, default proposed
    values, problems = parse_cells(pd.Series(["In Flight", "", "done"]), status)
    assert values.tolist()[:2] == ["in_flight", "proposed"] and pd.isna(values.iloc[2])
    assert problems[0][0].tolist() == [False, False, True]
