"""Validation: the bad-input corpus (one broken rule per folder) and the per-table rules."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from loading_helpers import (
    BAD,
    as_rows,
    copy_base,
    edit,
    load_quietly,
    problems_of,
    snapshot,
)

from pmo_analytics.exceptions import PROBLEM_COLUMNS, PortfolioValidationError
from pmo_analytics.portfolio.io import load_portfolio

CASES = sorted(p.name for p in BAD.iterdir() if (p / "case.toml").is_file())
FAILING = [c for c in CASES if not tomllib.loads((BAD / c / "case.toml").read_text())["loads"]]


def assert_matches(found: pd.DataFrame, expected: list[dict]) -> None:
    """Every expected problem is found (file, row, column, value, start of the rule), and
    nothing else is."""
    rows = as_rows(found)
    assert len(rows) == len(expected), found.to_string()
    unmatched = list(rows)
    for want in expected:
        hit = next(
            (
                r
                for r in unmatched
                if r[0] == want["file"]
                and r[1] == want.get("row")
                and r[2] == want["column"]
                and ("value" not in want or r[3] == want["value"])
                and r[4].startswith(want["rule"])
            ),
            None,
        )
        assert hit is not None, f"{want} not among\n{found.to_string()}"
        unmatched.remove(hit)


def test_the_corpus_is_large_enough():
    assert len(FAILING) >= 20
    assert "many_problems" in FAILING and "base" not in FAILING


@pytest.mark.parametrize("case", CASES)
def test_each_case_reports_its_problems_and_changes_no_file(case):
    folder = BAD / case
    spec = tomllib.loads((folder / "case.toml").read_text())
    before = snapshot(folder)
    if spec["loads"]:
        portfolio = load_quietly(folder)
        assert_matches(portfolio.warnings, spec.get("warnings", []))
    else:
        with pytest.raises(PortfolioValidationError, match=r"problems? in ") as caught:
            load_portfolio(folder)
        assert_matches(caught.value.problems, spec["problems"])
    assert snapshot(folder) == before


def test_one_rule_per_single_problem_case():
    for case in FAILING:
        if case == "many_problems":
            continue
        problems = tomllib.loads((BAD / case / "case.toml").read_text())["problems"]
        assert len({p["rule"] for p in problems}) == 1, case


def test_many_problems_span_several_files_in_one_error():
    with pytest.raises(PortfolioValidationError, match="10 problems") as caught:
        load_portfolio(BAD / "many_problems")
    problems = caught.value.problems
    assert problems["file"].nunique() >= 6
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert str(problems["row"].dtype) == "Int64"
    # grouped by file, rows ascending within a file
    for _, group in problems.groupby("file", sort=False):
        rows = group["row"].dropna().tolist()
        assert rows == sorted(rows)


def test_message_is_a_readable_table_of_every_problem():
    with pytest.raises(PortfolioValidationError, match="many_problems") as caught:
        load_portfolio(BAD / "many_problems")
    message = str(caught.value)
    lines = message.splitlines()
    assert lines[0].startswith("10 problems in ")
    assert lines[1].split() == ["file", "row", "column", "value", "rule"]
    assert "P1 → P2 → P1" in message
    assert "Traceback" not in message
    for problem in caught.value.problems.itertuples():
        assert problem.rule in message


def test_unknown_column_is_a_warning_and_kept(recwarn):
    from pmo_analytics.exceptions import PortfolioWarning

    portfolio = load_portfolio(BAD / "unknown_column")
    assert any(
        issubclass(w.category, PortfolioWarning) and "owner" in str(w.message) for w in recwarn
    )
    assert portfolio.projects["owner"].eq("Ana").all()


def test_the_unreadable_file_does_not_flood_other_files_with_unknown_ids():
    with pytest.raises(PortfolioValidationError, match="1 problem in") as caught:
        load_portfolio(BAD / "not_utf8")
    assert caught.value.problems.loc[0, "value"] == "byte 0xe9"


# --------------------------------------------------------------------------- broken variations
@pytest.fixture
def base_copy(tmp_path) -> Path:
    return copy_base(tmp_path / "portfolio")


def test_duplicate_comparison_without_stakeholder(base_copy):
    (base_copy / "comparisons.csv").write_text(
        "a,b,ratio\nstrategic_fit,delivery_risk,3\nstrategic_fit,delivery_risk,2\n"
    )
    problems = problems_of(base_copy)
    assert as_rows(problems) == [
        (
            "comparisons.csv",
            3,
            "stakeholder, a, b",
            " / strategic_fit / delivery_risk",
            "duplicate stakeholder, a, b (first given in row 2)",
        )
    ]


def test_fractions_and_bounds_of_ahp_ratios(base_copy):
    (base_copy / "comparisons.csv").write_text(
        "stakeholder,a,b,ratio\nA,strategic_fit,delivery_risk,1/9\nB,strategic_fit,delivery_risk,0.111\n"
        "C,strategic_fit,delivery_risk,9\nD,strategic_fit,delivery_risk,1/10\nE,strategic_fit,delivery_risk,1/0\n"
    )
    problems = problems_of(base_copy)
    assert as_rows(problems)[0][1:4] == (5, "ratio", "1/10")
    assert as_rows(problems)[1][1:5] == (6, "ratio", "1/0", as_rows(problems)[1][4])
    assert problems.loc[1, "rule"].startswith("not a number")


def test_value_of_inf_and_nan_is_not_a_number(base_copy):
    edit(base_copy, "cashflows.csv", "P1,0,100000,0", "P1,0,inf,nan")
    rows = as_rows(problems_of(base_copy))
    assert [(r[1], r[2], r[3]) for r in rows] == [(2, "cost", "inf"), (2, "benefit", "nan")]


def test_many_bad_rows_are_all_reported(tmp_path):
    from pmo_analytics.portfolio.io import write_portfolio
    from pmo_analytics.portfolio.synthetic import generate_portfolio

    folder = write_portfolio(
        generate_portfolio(400, n_periods=8, n_roles=4, seed=2), tmp_path / "big"
    )
    cashflows = pd.read_csv(folder / "cashflows.csv", dtype=str)
    cashflows.loc[::3, "cost"] = "-1"
    cashflows.to_csv(folder / "cashflows.csv", index=False)
    problems = problems_of(folder)
    expected_rows = (np.arange(0, len(cashflows), 3) + 2).tolist()
    assert problems["row"].tolist() == expected_rows
    assert problems["rule"].eq("must not be negative").all()
