"""plan.xlsx: formatted sheets whose values match the Plan, formulas neutralised, deterministic."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from report_helpers import NASTY, RISKY, RISKY_UNIT, nasty_plan

import pmo_analytics as pa
from pmo_analytics import safety
from pmo_analytics.portfolio.utilisation import project_load
from pmo_analytics.report.workbook import workbook_bytes


@pytest.fixture(scope="module")
def plan() -> pa.Plan:
    return nasty_plan()


@pytest.fixture(scope="module")
def book(plan, tmp_path_factory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    comparison = pd.DataFrame(
        {"scenario": ["Base", "=cmd|'/c calc'!A1"], "objective": [plan.objective, 1.0]}
    )
    frontier = pd.DataFrame({"budget": [1e6, 2e6], "objective": [10.0, 20.0]})
    out = pa.write_workbook(plan, path, comparison=comparison, frontier=frontier)
    assert out == path
    return openpyxl.load_workbook(path)


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def restored(value: object) -> object:
    return safety.restore_text(value)


def test_sheets_in_order(book):
    assert book.sheetnames == [
        "Summary",
        "Plan",
        "Schedule",
        "Utilisation",
        "Budget",
        "Limits",
        "Scenarios",
        "Frontier",
    ]


def test_plan_sheet_matches_the_plan(plan, book):
    sheet = book["Plan"]
    header, *body = rows(sheet)
    assert header[:3] == ("Project id", "Name", "Category")
    assert "Cost" in header and "Selected" in header and "Reason" in header
    col = {h: i for i, h in enumerate(header)}
    assert len(body) == len(plan.schedule)
    table = plan.plan_table().set_index("project_id")
    for row in body:
        pid = row[col["Project id"]]
        expected = table.loc[pid]
        assert restored(row[col["Name"]]) == expected["name"]
        assert row[col["Selected"]] is bool(expected["selected"])
        assert (row[col["Start"]] or "") == expected["start"]
        assert (row[col["Finish"]] or "") == expected["finish"]
        assert row[col["Cost"]] == pytest.approx(expected["cost"])
        assert row[col["Strategic value"]] == pytest.approx(expected["value"])
        assert row[col["Reason"]] == expected["reason"]
    # selected projects first, by start
    selected = [r[col["Selected"]] for r in body]
    assert selected == sorted(selected, reverse=True)
    starts = [r[col["Start"]] for r in body if r[col["Selected"]]]
    assert starts == sorted(starts, key=pd.Period)


def test_summary_sheet_holds_the_headline_figures(plan, book):
    figures = dict(rows(book["Summary"])[1:12])
    assert figures["Status"].startswith("optimal")
    assert figures["Projects selected"] == plan.n_selected
    assert figures["Strategic value of the selection"] == pytest.approx(plan.value)
    assert figures["Planned spend in the horizon"] == pytest.approx(plan.total_cost)
    budget = float(plan.portfolio.budget_by_period().sum())
    assert figures["Budget in the horizon"] == pytest.approx(budget)
    assert figures["Share of the budget used"] == pytest.approx(plan.total_cost / budget)
    assert book["Summary"]["B5"].number_format in ("#,##0", "#,##0.00", "0.0%")


def test_schedule_grid_fills_the_periods_each_project_runs(plan, book):
    sheet = book["Schedule"]
    header, *body = rows(sheet)
    periods = [str(p) for p in plan.portfolio.horizon]
    assert list(header) == ["Project id", "Name", "Category", *periods]
    assert [r[0] for r in body] and set(r[0] for r in body) == set(plan.selected)
    spend, _ = project_load(plan.portfolio, plan.starts)
    cost = spend.groupby(["project_id", spend["period"].astype(str)])["cost"].sum()
    horizon = pd.PeriodIndex(plan.portfolio.horizon)
    for i, row in enumerate(body, start=2):
        pid = row[0]
        start, finish = plan.schedule.at[pid, "start"], plan.schedule.at[pid, "finish"]
        for j, period in enumerate(horizon):
            cell = sheet.cell(row=i, column=4 + j)
            runs = start <= period <= finish
            assert (cell.value is not None) == runs, (pid, period)
            assert (cell.fill.fill_type == "solid") == runs, (pid, period)
            if runs:
                assert cell.value == pytest.approx(cost.get((pid, str(period)), 0.0))
                assert cell.number_format == "#,##0"
    grid_total = sum(v for r in body for v in r[3:] if v is not None)
    assert grid_total == pytest.approx(plan.total_cost)
    assert sheet.freeze_panes == "D2"


def test_utilisation_and_budget_sheets_match_the_plan(plan, book):
    header, *body = rows(book["Utilisation"])
    assert header == ("Resource", "Period", "Used", "Available", "Utilisation")
    expected = plan.utilisation_table()
    assert [r[0] for r in body] == expected["resource"].tolist()
    assert [r[1] for r in body] == expected["period"].tolist()
    np.testing.assert_allclose([r[2] for r in body], expected["used"])
    np.testing.assert_allclose([r[3] for r in body], expected["available"])
    sheet = book["Utilisation"]
    assert sheet["E2"].number_format == "0.0%"
    budget_row = 2 + expected["resource"].tolist().index("budget")
    role_row = 2 + expected["resource"].ne("budget").to_numpy().argmax()
    assert sheet.cell(row=budget_row, column=3).number_format == "#,##0"
    assert sheet.cell(row=role_row, column=3).number_format == "#,##0.00"

    header, *body = rows(book["Budget"])
    assert header[:5] == ("Period", "Budget", "Planned spend", "Remaining", "Share used")
    data, total = body[:-1], body[-1]
    budget = plan.utilisation[plan.utilisation["resource"] == "budget"]
    np.testing.assert_allclose([r[1] for r in data], budget["available"])
    np.testing.assert_allclose([r[2] for r in data], budget["used"])
    by_category = [sum(v for v in r[5:]) for r in data]
    np.testing.assert_allclose(by_category, budget["used"])
    assert total[0] == "Total" and total[2] == pytest.approx(plan.total_cost)
    assert (
        book["Budget"].auto_filter.ref
        == f"A1:{book['Budget'].cell(1, len(header)).column_letter}{len(data) + 1}"
    )


def test_limits_sheet_holds_every_row_of_limits_csv(plan, book):
    header, *body = rows(book["Limits"])
    assert header[:2] == ("Limit", "Period") and "LP estimate of the step" in header
    table = pa.limit_worth(plan, evaluate=0)  # write_workbook's default: no re-optimisation
    assert len(body) == len(table) == len(plan.utilisation)
    col = {h: i for i, h in enumerate(header)}
    assert [r[col["Limit"]] for r in body] == table["limit"].tolist()
    assert [r[col["Tight"]] for r in body] == table["tight"].tolist()
    np.testing.assert_allclose(
        [r[col["Used"]] for r in body], table["used"].astype(float), rtol=1e-12
    )
    sheet = book["Limits"]
    for i, row in enumerate(body, start=2):
        money = row[0] == "budget"
        assert sheet.cell(row=i, column=3).number_format == ("#,##0" if money else "#,##0.00")


def test_changes_sheet_holds_every_change(plan, tmp_path):
    changes = pd.DataFrame(
        {
            "project_id": ["P1", "P2"],
            "name": ["=SUM(A1)", "B"],
            "change": ["pulled_forward", "dropped"],
            "previous_start": ["2027Q2", "2027Q3"],
            "start": ["2027Q1", ""],
            "reason": ["room is free earlier now", "needs 1.25 Dev FTE"],
        }
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan, changes=changes)))
    header, *body = rows(book["Changes"])
    assert header == ("Project", "Name", "Change", "Previous start", "Start", "Reason")
    assert [r[0] for r in body] == ["P1", "P2"]
    assert body[0][1] == "'=SUM(A1)" and body[0][2] == "pulled forward" and body[1][4] is None


def test_every_sheet_is_formatted(book):
    for sheet in book.worksheets:
        first = sheet["A1"]
        assert first.font.bold and first.fill.fill_type == "solid", sheet.title
        assert sheet.freeze_panes is not None, sheet.title
        widths = [sheet.column_dimensions[c].width for c in ("A", "B")]
        assert all(10 <= w <= 60 for w in widths), (sheet.title, widths)
        if sheet.title != "Summary":
            assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
    assert book["Plan"].freeze_panes == "C2"
    cost = book["Plan"].cell(row=2, column=12)
    assert book["Plan"].cell(row=1, column=12).value == "Cost" and cost.number_format == "#,##0"


def test_no_cell_is_a_formula_and_risky_text_is_neutralised(book):
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(safety.FORMULA_PREFIXES), cell.value
                    seen.append(cell.value)
    plan_names = [safety.restore_text(r[1]) for r in rows(book["Plan"])[1:]]
    assert set(NASTY) <= set(plan_names)
    for name in RISKY:
        assert "'" + name in seen
    assert "Zürich Ærø 東京" in seen and "<script>alert(1)</script>" in seen
    assert "'" + RISKY_UNIT in seen  # the business unit
    assert "'=cmd|'/c calc'!A1" in [r[0] for r in rows(book["Scenarios"])]


def test_workbook_is_deterministic_and_takes_a_currency(plan):
    first, second = workbook_bytes(plan), workbook_bytes(plan)
    assert first == second
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan, currency="€")))
    assert book["Plan"].cell(row=2, column=12).number_format == '"€"#,##0'


def test_infeasible_plan_gets_a_diagnosis_sheet(tmp_path):
    portfolio = pa.generate_portfolio(10, n_periods=5, n_roles=2, seed=5, mandatory_share=0.3)
    plan = pa.optimise(portfolio, budget=1000)
    assert plan.status == "infeasible" and len(plan.diagnosis)
    book = openpyxl.load_workbook(pa.write_workbook(plan, tmp_path / "plan.xlsx"))
    assert book.sheetnames[-1] == "Diagnosis"
    messages = [r[-1] for r in rows(book["Diagnosis"])[1:]]
    assert messages == plan.diagnosis["message"].tolist()
    assert len(rows(book["Schedule"])) == 1  # the header: nothing is scheduled


def test_workbook_path_must_be_xlsx(plan, tmp_path):
    with pytest.raises(ValueError, match=r"must be an \.xlsx file, not 'plan\.csv'"):
        pa.write_workbook(plan, tmp_path / "plan.csv")
    assert not list(tmp_path.iterdir())
