"""The sample portfolio in data/sample: loads cleanly, has the intended shape and tightness."""

from __future__ import annotations

import filecmp
import importlib.util
import warnings
from pathlib import Path

import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics.portfolio.utilisation import earliest_starts, utilisation

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
CSV_FILES = sorted(p.name for p in SAMPLE.glob("*.csv"))


@pytest.fixture(scope="module")
def sample() -> pa.Portfolio:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any PortfolioWarning fails the test
        return pa.load_portfolio(SAMPLE)


@pytest.fixture(scope="module")
def load_at_earliest(sample: pa.Portfolio) -> pd.DataFrame:
    return utilisation(sample, earliest_starts(sample))


def test_sample_loads_without_problems_or_warnings(sample: pa.Portfolio) -> None:
    assert sample.warnings.empty
    assert CSV_FILES == sorted(
        f"{name}.csv"
        for name in (
            "projects",
            "cashflows",
            "demand",
            "capacity",
            "budget",
            "criteria",
            "scores",
            "comparisons",
            "dependencies",
            "actuals",
        )
    )


def test_the_script_writes_the_committed_files(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_sample", ROOT / "scripts" / "make_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--out", str(tmp_path)])
    match, mismatch, errors = filecmp.cmpfiles(SAMPLE, tmp_path, CSV_FILES, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert sorted(match) == CSV_FILES


def test_projects_categories_units_and_statuses(sample: pa.Portfolio) -> None:
    projects = sample.projects
    assert 70 <= len(projects) <= 80
    assert set(projects["category"]) == {"Run", "Grow", "Transform"}
    assert projects["business_unit"].nunique() == 6
    assert projects["sponsor"].notna().all() and projects["name"].is_unique
    counts = projects["status"].value_counts()
    assert 6 <= counts["in_flight"] <= 8
    assert {"approved", "on_hold", "completed", "cancelled"} <= set(counts.index)
    assert counts.drop(["proposed", "in_flight"]).sum() >= 5
    mandatory = projects[projects["mandatory"]]
    assert 4 <= len(mandatory) <= 6
    assert (mandatory["status"] != "in_flight").all()
    # value is blank: strategic value comes from the weighted scores, for every project
    assert projects["value"].isna().all()
    assert projects["strategic_value"].notna().all()
    assert projects["risk"].between(0.05, 0.5).all()


def test_horizon_roles_and_windows(sample: pa.Portfolio) -> None:
    assert [str(p) for p in sample.horizon] == [
        f"{year}Q{q}" for year in (2027, 2028) for q in (1, 2, 3, 4)
    ]
    assert sample.roles == sorted(
        [
            "Developer",
            "Architect",
            "Business Analyst",
            "Project Manager",
            "Data Engineer",
            "Security Engineer",
            "Tester",
        ]
    )
    projects = sample.projects
    windowed = projects["earliest_start"].notna() | projects["latest_start"].notna()
    open_window = ~windowed & (projects["status"] != "in_flight")
    assert windowed.sum() >= 10 and open_window.sum() >= 10
    # every candidate has at least one feasible start
    candidates = projects.loc[sample.candidates()]
    assert (candidates["first_start"] <= candidates["last_start"]).all()


def test_time_phased_costs_benefits_and_demand(sample: pa.Portfolio) -> None:
    projects = sample.projects
    cashflows = sample.cashflows.merge(projects["duration"], left_on="project_id", right_index=True)
    during = cashflows["offset"] < cashflows["duration"]
    # cost in every period of delivery, benefits only after go-live (and some do have them)
    assert (cashflows.loc[during, "cost"] > 0).all()
    assert (cashflows.loc[~during, "cost"] == 0).all()
    assert (cashflows.loc[during, "benefit"] == 0).all()
    assert cashflows.loc[~during, "project_id"].nunique() >= 40
    demand = sample.demand.merge(projects["duration"], left_on="project_id", right_index=True)
    assert (demand["offset"] < demand["duration"]).all()
    assert set(demand["project_id"]) == set(projects.index)


def test_in_flight_work_and_actuals(sample: pa.Portfolio) -> None:
    projects = sample.projects
    in_flight = projects[projects["status"] == "in_flight"]
    assert in_flight["start"].between(pd.Period("2026Q2"), pd.Period("2027Q1")).all()
    actuals = sample.actuals
    assert set(actuals["project_id"]) == set(in_flight.index)
    status_date = pd.Period("2026Q4")
    for pid, start in in_flight["start"].items():
        rows = actuals[actuals["project_id"] == pid]
        expected = pd.period_range(start, status_date, freq="Q")
        assert list(rows["period"]) == list(expected)
        # planned value is the planned cost of that offset
        planned = sample.cashflows.query("project_id == @pid").set_index("offset")["cost"]
        offsets = [p.ordinal - start.ordinal for p in rows["period"]]
        assert rows["planned_value"].tolist() == planned.loc[offsets].tolist()
    totals = actuals.groupby("project_id")[["planned_value", "earned_value", "actual_cost"]].sum()
    spi = totals["earned_value"] / totals["planned_value"]
    cpi = totals["earned_value"] / totals["actual_cost"]
    healthy = (spi >= 0.95) & (cpi >= 0.95)
    over_budget = (spi >= 0.95) & cpi.between(0.7, 0.9)
    late = spi.between(0.75, 0.9) & (cpi >= 0.95)
    troubled = (spi < 0.9) & (cpi < 0.9)
    assert healthy.sum() >= 2 and over_budget.sum() >= 1 and late.sum() >= 1
    assert troubled.sum() == 1


def test_criteria_scores_and_stakeholder_judgements(sample: pa.Portfolio) -> None:
    criteria = sample.criteria
    assert len(criteria) == 6 and criteria["weight"].isna().all()
    assert criteria.set_index("criterion").loc["delivery_risk", "direction"] == "cost"
    assert (criteria["direction"] == "benefit").sum() == 5
    scores = sample.scores
    assert len(scores) == len(sample.projects) * 6
    assert scores["score"].between(0, 10).all()
    comparisons = sample.comparisons
    assert sorted(comparisons["stakeholder"].unique()) == ["CFO", "CIO", "COO"]
    for stakeholder, judgements in comparisons.groupby("stakeholder"):
        assert len(judgements) == 15, stakeholder  # every pair of six criteria
        result = pa.ahp_weights(judgements)
        assert result.consistency_ratio < 0.10, stakeholder
    assert comparisons["ratio"].between(1 / 9, 9).all()


def test_dependencies_are_sensible(sample: pa.Portfolio) -> None:
    deps = sample.dependencies
    assert len(deps) >= 12
    assert set(deps["kind"]) == {"requires", "follows", "excludes"}
    mandatory = sample.projects["mandatory"]
    chained = deps[deps["kind"] != "excludes"]
    assert not (chained["project_id"].map(mandatory) & ~chained["other_id"].map(mandatory)).any()
    excluded = deps[deps["kind"] == "excludes"]
    forced = mandatory | (sample.projects["status"] == "in_flight")
    assert not excluded[["project_id", "other_id"]].stack().map(forced).any()
    names = sample.projects["name"]
    pairs = set(zip(deps["project_id"].map(names), deps["other_id"].map(names), strict=True))
    assert ("Customer 360 analytics", "Enterprise data platform") in pairs


def test_demand_and_cost_are_about_twice_what_is_available(load_at_earliest: pd.DataFrame) -> None:
    totals = load_at_earliest.groupby("resource")[["used", "available"]].sum()
    ratio = totals["used"] / totals["available"]
    assert 1.8 <= ratio["budget"] <= 2.2
    roles = ratio.drop("budget")
    assert len(roles) == 7
    assert roles.between(1.6, 2.2).all(), roles.to_dict()


def test_mandatory_and_in_flight_work_fits(sample: pa.Portfolio) -> None:
    projects = sample.projects
    forced = projects.index[projects["mandatory"] | (projects["status"] == "in_flight")]
    starts = earliest_starts(sample)
    load = utilisation(sample, starts[starts.index.isin(forced)])
    assert load["utilisation"].max() <= 0.6
    assert load.loc[load["resource"] == "budget", "used"].sum() > 0


def test_the_sample_as_a_workbook_loads_equal(sample: pa.Portfolio, tmp_path: Path) -> None:
    # the same portfolio as one .xlsx workbook (one sheet per file), written by the library
    book = pa.write_portfolio(sample, tmp_path / "sample.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = pa.load_portfolio(book)
    assert again == sample
    from openpyxl import load_workbook

    names = load_workbook(book, read_only=True).sheetnames
    assert set(names) == {p.removesuffix(".csv") for p in CSV_FILES}
