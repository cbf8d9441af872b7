"""The portfolio as one .xlsx workbook: sheets read like the CSV files, with sheet rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from loading_helpers import BASE, base_records, load_quietly, snapshot

from pmo_analytics.exceptions import PortfolioValidationError, PortfolioWarning
from pmo_analytics.portfolio.io import load_portfolio, portfolio_tables
from pmo_analytics.portfolio.synthetic import generate_portfolio


@pytest.fixture(scope="module")
def base_portfolio():
    return load_quietly(BASE)


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
