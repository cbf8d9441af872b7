"""Reading and writing portfolios: CSV dialects, workbooks, round trips, nothing written to inputs."""

from __future__ import annotations

import csv
import hashlib
import io
import warnings
from pathlib import Path

import pandas as pd
import pytest

from pmo_analytics.io import PortfolioWarning, load_portfolio, portfolio_tables, write_portfolio
from pmo_analytics.schema import TABLES
from pmo_analytics.synthetic import generate_portfolio
from pmo_analytics.validation import PortfolioValidationError

BASE = Path(__file__).parent / "bad_inputs" / "base"


def load_quietly(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_portfolio(path, **options)


def snapshot(path: Path) -> dict[str, str]:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() + f"@{p.stat().st_mtime_ns}"
        for p in files
        if p.is_file()
    }


def base_records(file: str) -> list[list[str]]:
    with open(BASE / file, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def base_portfolio():
    return load_quietly(BASE)


# --------------------------------------------------------------------------- CSV dialects
def european(cell: str, column: str) -> str:
    """How a European spreadsheet would export the cell: decimal comma, padded, booleans in caps."""
    if column == "mandatory":
        cell = {"true": " YES", "false": "No ", "no": "nO"}.get(cell, cell)
    elif cell.replace(".", "", 1).isdigit() and "." in cell:
        cell = cell.replace(".", ",")
    return f"  {cell} "


def test_bom_semicolons_decimal_commas_whitespace_and_yes_no(tmp_path, base_portfolio):
    folder = tmp_path / "european"
    folder.mkdir()
    for file in BASE.glob("*.csv"):
        records = base_records(file.name)
        header = records[0]
        lines = [";".join(f" {h} " for h in header)]
        lines += [
            ";".join(european(c, h) for c, h in zip(r, header, strict=True)) for r in records[1:]
        ]
        (folder / file.name).write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    text = (folder / "projects.csv").read_text(encoding="utf-8-sig")
    assert "0,05" in text and "YES" in text and text.count(";") > 20
    loaded = load_quietly(folder)
    assert loaded == base_portfolio
    assert loaded.projects["mandatory"].tolist() == [False, True, False, False, False]
    assert loaded.projects.loc["P4", "risk"] == 0.05
    assert loaded.warnings.empty


def test_file_names_in_any_case_and_unknown_files_noted(tmp_path, base_portfolio):
    folder = tmp_path / "upper"
    folder.mkdir()
    for file in BASE.glob("*.csv"):
        (folder / file.name.upper()).write_bytes(file.read_bytes())
    (folder / "budgets.csv").write_text("period,amount\n")
    (folder / "notes.txt").write_text("not a table")
    with pytest.warns(PortfolioWarning, match="budgets.csv"):
        loaded = load_portfolio(folder)
    assert loaded == base_portfolio
    assert loaded.warnings["rule"].str.startswith("unknown file").tolist() == [True]


def test_two_files_for_one_table(tmp_path):
    folder = tmp_path / "twice"
    folder.mkdir()
    for file in BASE.glob("*.csv"):
        (folder / file.name).write_bytes(file.read_bytes())
    (folder / "Budget.csv").write_bytes((BASE / "budget.csv").read_bytes())
    with pytest.raises(PortfolioValidationError, match="more than one file for budget.csv"):
        load_portfolio(folder)


def test_empty_files(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    for file in BASE.glob("*.csv"):
        (folder / file.name).write_bytes(file.read_bytes())
    (folder / "actuals.csv").write_text("")
    loaded = load_quietly(folder)
    assert loaded.actuals.empty
    assert loaded.warnings["rule"].tolist() == ["the file is empty (taken as absent)"]
    (folder / "demand.csv").write_text("\n\n")
    with pytest.raises(PortfolioValidationError, match="the file is empty") as caught:
        load_portfolio(folder)
    assert len(caught.value.problems) == 1  # no flood of follow-on problems


def test_a_path_that_is_no_portfolio():
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_portfolio(BASE / "nowhere")
    with pytest.raises(FileNotFoundError, match="neither a folder of CSV files nor an .xlsx"):
        load_portfolio(BASE / "projects.csv")


def test_named_horizon_keeps_its_periods(base_portfolio):
    loaded = load_quietly(BASE, horizon=("2027Q2", "2027Q4"))
    assert [str(p) for p in loaded.horizon] == ["2027Q2", "2027Q3", "2027Q4"]
    assert sorted(loaded.budget["period"].astype(str)) == ["2027Q2", "2027Q3", "2027Q4"]
    assert len(loaded.capacity) == 6


# --------------------------------------------------------------------------- workbooks
def typed_cell(text: str, column: str) -> object:
    """The value Excel would hold for a CSV cell: numbers as numbers, booleans as booleans."""
    if column == "mandatory":
        return text in ("true", "yes")
    try:
        number = float(text)
    except ValueError:
        return text if text else None
    return int(number) if number.is_integer() else number


def make_workbook(path: Path, *, blank_rows: bool = True, edits=None) -> Path:
    """The base portfolio as a hand-made workbook: typed cells, and blank rows in projects."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for file in sorted(BASE.glob("*.csv")):
        sheet = book.create_sheet(file.stem.capitalize())
        records = base_records(file.name)
        if blank_rows and file.stem == "projects":
            sheet.append([])  # the header lands on sheet row 2
        for i, record in enumerate(records):
            row = (
                record
                if i == 0
                else [typed_cell(c, h) for c, h in zip(record, records[0], strict=True)]
            )
            if edits:
                row = edits(file.stem, i, row)
            sheet.append(row)
            if blank_rows and file.stem == "projects" and i == 2:
                sheet.append([])  # a blank row after the second project
    book.create_sheet("Read me").append(["made by hand"])
    book.save(path)
    return path


def test_workbook_loads_like_the_csv_folder(tmp_path, base_portfolio):
    path = make_workbook(tmp_path / "base.xlsx")
    before = snapshot(tmp_path)
    with pytest.warns(PortfolioWarning, match="unknown sheet"):
        loaded = load_portfolio(path)
    assert loaded == base_portfolio
    assert snapshot(tmp_path) == before
    assert loaded.warnings["file"].tolist() == ["base.xlsx[Read me]"]


def test_broken_sheet_names_the_sheet_and_its_row(tmp_path):
    def break_risk(sheet: str, i: int, row: list) -> list:
        if sheet == "projects" and row[0] == "P4":
            row[-1] = 1.5
        if sheet == "demand" and row[0] == "P1" and row[2] == 1:
            row[3] = "lots"
        return row

    path = make_workbook(tmp_path / "broken.xlsx", edits=break_risk)
    with pytest.raises(PortfolioValidationError, match=r"broken.xlsx\[Projects\]") as caught:
        load_portfolio(path)
    rows = caught.value.problems[["file", "row", "column", "value"]].astype(str).values.tolist()
    # header on sheet row 2, P1..P2 on rows 3-4, a blank row 5, P3 row 6, P4 row 7
    assert rows == [
        ["broken.xlsx[Projects]", "7", "risk", "1.5"],
        ["broken.xlsx[Demand]", "3", "fte", "lots"],
    ]


def test_workbook_without_a_required_sheet_and_a_damaged_workbook(tmp_path):
    from openpyxl import load_workbook

    path = make_workbook(tmp_path / "partial.xlsx", blank_rows=False)
    book = load_workbook(path)
    del book["Capacity"]
    book.save(path)
    with pytest.raises(PortfolioValidationError, match="required sheet missing") as caught:
        load_portfolio(path)
    assert caught.value.problems["file"].tolist() == ["partial.xlsx[capacity]"]
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(
        PortfolioValidationError, match="cannot be read as an .xlsx workbook"
    ) as caught:
        load_portfolio(damaged)
    assert len(caught.value.problems) == 1


def test_monthly_periods_typed_as_dates_in_a_workbook(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    portfolio = generate_portfolio(6, n_periods=4, n_roles=2, seed=5, first_period="2027-01")
    tables = portfolio_tables(portfolio)
    book = Workbook()
    book.remove(book.active)
    for name, frame in tables.items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
            cells = []
            for value in row:
                if isinstance(value, str) and len(value) == 7 and value[4] == "-":  # 2027-03
                    value = dt.datetime(int(value[:4]), int(value[5:]), 1)  # what Excel makes of it
                cells.append(value.item() if hasattr(value, "item") else value)
            sheet.append(cells)
    book.save(tmp_path / "months.xlsx")
    assert load_quietly(tmp_path / "months.xlsx") == portfolio


# --------------------------------------------------------------------------- writing
def test_write_writes_every_contract_file_and_reads_back(tmp_path):
    portfolio = generate_portfolio(15, n_periods=5, n_roles=3, seed=11)
    folder = write_portfolio(portfolio, tmp_path / "out")
    assert sorted(p.name for p in folder.iterdir()) == sorted(spec.file for spec in TABLES.values())
    assert load_quietly(folder) == portfolio
    assert (folder / "comparisons.csv").read_text() == "stakeholder,a,b,ratio\n"


def test_writing_over_a_folder_leaves_no_stale_table(tmp_path):
    portfolio = generate_portfolio(10, n_periods=4, n_roles=2, seed=3)
    folder = write_portfolio(portfolio, tmp_path / "out")
    without_budget = portfolio.replace(budget=portfolio.budget.iloc[0:0])
    write_portfolio(without_budget, folder)
    reloaded = load_quietly(folder)
    assert not reloaded.has_budget
    assert reloaded == without_budget
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]  # no temporary files


def test_formula_like_text_is_neutralised_in_files_and_restored(tmp_path):
    portfolio = generate_portfolio(4, n_periods=3, n_roles=2, seed=1)
    projects = portfolio.projects.drop(columns=["first_start", "last_start", "strategic_value"])
    names = ['=HYPERLINK("http://x","y")', "+44 20 7946 0000", "'quoted'", "-minus"]
    renamed = portfolio.replace(projects=projects.assign(name=names))
    folder = write_portfolio(renamed, tmp_path / "out")
    raw = (folder / "projects.csv").read_text()
    assert "'=HYPERLINK" in raw and "''quoted'" in raw and "'-minus" in raw
    assert load_quietly(folder).projects["name"].tolist() == names
    book = write_portfolio(renamed, tmp_path / "out.xlsx")
    from openpyxl import load_workbook

    cell = load_workbook(book)["projects"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")
    assert load_quietly(book).projects["name"].tolist() == names


def test_loading_never_writes_into_the_input(tmp_path):
    portfolio = generate_portfolio(20, n_periods=6, n_roles=3, seed=8)
    folder = write_portfolio(portfolio, tmp_path / "in")
    book = write_portfolio(portfolio, tmp_path / "in.xlsx")
    before = snapshot(tmp_path)
    load_quietly(folder)
    load_quietly(book)
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "in.xlsx"]


def test_extra_columns_are_kept_as_text(tmp_path):
    folder = tmp_path / "extra"
    folder.mkdir()
    for file in BASE.glob("*.csv"):
        (folder / file.name).write_bytes(file.read_bytes())
    frame = pd.read_csv(folder / "cashflows.csv", dtype=str)
    frame["note"] = ["capex"] + [""] * (len(frame) - 1)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    (folder / "cashflows.csv").write_text(buffer.getvalue())
    loaded = load_quietly(folder)
    assert loaded.cashflows["note"].iloc[0] == "capex"
    assert loaded.cashflows["note"].isna().sum() == len(frame) - 1
    again = write_portfolio(loaded, tmp_path / "again")
    assert load_quietly(again) == loaded
