"""Validation: the bad-input corpus (one broken rule per folder) and the rules one by one."""

from __future__ import annotations

import hashlib
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmo_analytics.io import load_portfolio
from pmo_analytics.validation import (
    PROBLEM_COLUMNS,
    PortfolioValidationError,
    parse_numbers,
    period_codes,
    text_positions,
)

BAD = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "case.toml").is_file())
FAILING = [c for c in CASES if not tomllib.loads((BAD / c / "case.toml").read_text())["loads"]]


def folder_hashes(folder: Path) -> dict[str, str]:
    """Content hash and modification time of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        + f"@{p.stat().st_mtime_ns}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def load_quietly(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_portfolio(path)


def as_rows(frame: pd.DataFrame) -> list[tuple]:
    return [
        (r.file, None if pd.isna(r.row) else int(r.row), r.column, r.value, r.rule)
        for r in frame[PROBLEM_COLUMNS].itertuples(index=False)
    ]


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
    before = folder_hashes(folder)
    if spec["loads"]:
        portfolio = load_quietly(folder)
        assert_matches(portfolio.warnings, spec.get("warnings", []))
    else:
        with pytest.raises(PortfolioValidationError, match=r"problems? in ") as caught:
            load_portfolio(folder)
        assert_matches(caught.value.problems, spec["problems"])
    assert folder_hashes(folder) == before


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
    from pmo_analytics.io import PortfolioWarning

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
    folder = tmp_path / "portfolio"
    folder.mkdir()
    for file in (BAD / "base").glob("*.csv"):
        (folder / file.name).write_bytes(file.read_bytes())
    return folder


def edit(folder: Path, file: str, old: str, new: str) -> None:
    text = (folder / file).read_text()
    assert old in text
    (folder / file).write_text(text.replace(old, new))


def problems_of(folder: Path) -> pd.DataFrame:
    with pytest.raises(PortfolioValidationError, match="problem") as caught:
        load_portfolio(folder)
    return caught.value.problems


def test_every_cycle_is_named_separately(base_copy):
    (base_copy / "dependencies.csv").write_text(
        "project_id,other_id,kind\nP1,P2,requires\nP2,P1,follows\nP3,P4,requires\nP4,P5,follows\nP5,P3,requires\nP4,P1,excludes\n"
    )
    problems = problems_of(base_copy)
    assert problems["value"].tolist() == ["P1 → P2 → P1", "P3 → P4 → P5 → P3"]
    assert problems["row"].tolist() == [2, 4]


def test_excludes_never_make_a_cycle(base_copy):
    (base_copy / "dependencies.csv").write_text(
        "project_id,other_id,kind\nP1,P2,excludes\nP2,P1,excludes\n"
    )
    assert load_quietly(base_copy).dependencies["kind"].eq("excludes").all()


def test_a_long_chain_is_not_a_cycle_but_closing_it_is(base_copy):
    ids = [f"Q{i:03d}" for i in range(150)]
    projects = (base_copy / "projects.csv").read_text() + "".join(
        f"{i},Chain {i},Run,IT,CIO,proposed,,,,1,false,1,0\n" for i in ids
    )
    (base_copy / "projects.csv").write_text(projects)
    chain = "".join(f"{a},{b},requires\n" for a, b in zip(ids[1:], ids[:-1], strict=True))
    (base_copy / "dependencies.csv").write_text("project_id,other_id,kind\n" + chain)
    assert len(load_quietly(base_copy).dependencies) == 149
    (base_copy / "dependencies.csv").write_text(
        "project_id,other_id,kind\n" + chain + "Q000,Q149,follows\n"
    )
    problems = problems_of(base_copy)
    assert len(problems) == 1
    assert problems.loc[0, "value"].startswith("Q000 → Q149 → Q148")
    assert problems.loc[0, "value"].count("→") == 150


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


def test_criterion_compared_with_itself(base_copy):
    edit(
        base_copy,
        "comparisons.csv",
        "CFO,strategic_fit,delivery_risk",
        "CFO,strategic_fit,strategic_fit",
    )
    assert as_rows(problems_of(base_copy)) == [
        ("comparisons.csv", 3, "b", "strategic_fit", "a criterion compared with itself")
    ]


def test_case_only_difference_gets_a_hint(base_copy):
    edit(base_copy, "demand.csv", "P4,Analyst,0,1", "P4,analyst,0,1")
    (rule,) = problems_of(base_copy)["rule"]
    assert rule == "unknown role (not in capacity.csv) (did you mean Analyst?)"


def test_in_flight_start_after_horizon_and_window_before_it(base_copy):
    edit(base_copy, "projects.csv", "in_flight,,,2026Q4,3", "in_flight,,,2028Q2,3")
    edit(
        base_copy,
        "projects.csv",
        "P4,Customer portal,Grow,Sales,CMO,proposed,,,",
        "P4,Customer portal,Grow,Sales,CMO,proposed,2028Q1,,",
    )
    rows = as_rows(problems_of(base_copy))
    assert rows == [
        ("projects.csv", 4, "start", "2028Q2", "in_flight start after the horizon 2027Q1..2027Q4"),
        (
            "projects.csv",
            5,
            "earliest_start",
            "2028Q1",
            "window outside the horizon 2027Q1..2027Q4",
        ),
    ]


def test_closed_projects_need_no_window(base_copy):
    edit(
        base_copy,
        "projects.csv",
        "P5,Legacy archive,Run,IT,CIO,completed,,,2026Q1",
        "P5,Legacy archive,Run,IT,CIO,completed,2025Q1,2025Q2,2026Q1",
    )
    assert load_quietly(base_copy).projects.loc["P5", "status"] == "completed"


def test_blank_duration_is_derived_and_an_empty_project_is_noted(base_copy):
    edit(base_copy, "projects.csv", "2027Q1,2027Q2,,2,false", "2027Q1,2027Q2,,,false")
    edit(
        base_copy,
        "projects.csv",
        "P4,Customer portal,Grow,Sales,CMO,proposed,,,,1,",
        "P4,Customer portal,Grow,Sales,CMO,proposed,,,,,",
    )
    edit(base_copy, "cashflows.csv", "P4,0,30000,0\n", "")
    edit(base_copy, "demand.csv", "P4,Analyst,0,1\n", "")
    portfolio = load_quietly(base_copy)
    assert portfolio.projects.loc["P1", "duration"] == 3  # last offset 2 (a benefit) + 1
    assert portfolio.projects.loc["P4", "duration"] == 1
    notes = as_rows(portfolio.warnings)
    assert (
        "projects.csv",
        5,
        "duration",
        "",
        "duration is blank and no cashflows or demand give one; taken as 1 period",
    ) in notes


def test_start_of_a_planned_project_is_noted_as_ignored(base_copy):
    edit(base_copy, "projects.csv", "2027Q1,2027Q2,,2,false", "2027Q1,2027Q2,2027Q2,2,false")
    notes = as_rows(load_quietly(base_copy).warnings)
    assert notes == [("projects.csv", 2, "start", "2027Q2", notes[0][4])]
    assert notes[0][4].startswith("start is used only for in_flight projects")


def test_capacity_missing_for_one_role_is_zero_with_a_note(base_copy):
    edit(base_copy, "capacity.csv", "Analyst,2027Q3,2\n", "")
    portfolio = load_quietly(base_copy)
    assert portfolio.capacity_by_role_period()[("Analyst", pd.Period("2027Q3"))] == 0.0
    assert as_rows(portfolio.warnings) == [
        (
            "capacity.csv",
            None,
            "period",
            "2027Q3",
            "no capacity given for role Analyst; taken as 0 FTE",
        )
    ]


def test_each_stretch_of_missing_periods_is_one_problem(base_copy):
    (base_copy / "budget.csv").write_text("period,amount\n2027Q1,1\n2028Q4,1\n2029Q2,1\n")
    rows = as_rows(problems_of(base_copy))
    assert [(r[0], r[3]) for r in rows] == [
        ("budget.csv, capacity.csv", "2028Q1..2028Q3"),
        ("budget.csv, capacity.csv", "2029Q1"),
    ]
    assert (
        rows[0][4]
        == "gap in the horizon 2027Q1..2029Q2: no budget or capacity row for 2028Q1..2028Q3"
    )


def test_value_of_inf_and_nan_is_not_a_number(base_copy):
    edit(base_copy, "cashflows.csv", "P1,0,100000,0", "P1,0,inf,nan")
    rows = as_rows(problems_of(base_copy))
    assert [(r[1], r[2], r[3]) for r in rows] == [(2, "cost", "inf"), (2, "benefit", "nan")]


def test_rows_with_fewer_cells_are_padded(base_copy):
    edit(base_copy, "budget.csv", "2027Q2,300000", "2027Q2")
    rows = as_rows(problems_of(base_copy))
    assert rows == [("budget.csv", 3, "amount", "", "a value is required")]


def test_leading_blank_lines_shift_the_header(base_copy):
    text = (base_copy / "budget.csv").read_text().replace("2027Q3,300000", "2027Q3,-1")
    (base_copy / "budget.csv").write_text("\n\n" + text)
    assert as_rows(problems_of(base_copy)) == [
        ("budget.csv", 6, "amount", "-1", "must not be negative")
    ]


def test_quoted_cells_with_separators_and_line_breaks(base_copy):
    edit(base_copy, "projects.csv", "P1,CRM refresh,", 'P1,"CRM refresh, phase ""2""\nwith notes",')
    edit(base_copy, "projects.csv", "2026Q4,3,false,25,0.1", "2026Q4,3,false,25,7")
    portfolio_rows = as_rows(problems_of(base_copy))
    # a line break inside a quoted cell keeps the project one row, as a spreadsheet shows it
    assert portfolio_rows == [("projects.csv", 4, "risk", "7", "must lie in [0, 1]")]


def test_missing_horizon_when_no_period_parses(base_copy):
    (base_copy / "budget.csv").unlink()
    (base_copy / "capacity.csv").write_text("role,period,fte\nDeveloper,soon,5\nAnalyst,later,2\n")
    rows = as_rows(problems_of(base_copy))
    assert (
        "capacity.csv",
        None,
        "period",
        "",
        "no budget or capacity periods: the planning horizon is empty",
    ) in rows
    assert sum(r[4].startswith("not a period label") for r in rows) == 2


def test_named_horizon_must_be_periods_of_the_portfolio(base_copy):
    with pytest.raises(PortfolioValidationError, match="this portfolio uses quarters"):
        load_portfolio(base_copy, horizon=("2027-01", "2027-06"))
    with pytest.raises(PortfolioValidationError, match="not a period label"):
        load_portfolio(base_copy, horizon=("2027Q1", "soon"))
    with pytest.raises(PortfolioValidationError, match="ends before it starts"):
        load_portfolio(base_copy, horizon=("2027Q3", "2027Q1"))


def test_many_bad_rows_are_all_reported(tmp_path):
    from pmo_analytics.io import write_portfolio
    from pmo_analytics.synthetic import generate_portfolio

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


# --------------------------------------------------------------------------- cell parsing
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
