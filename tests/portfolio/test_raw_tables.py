"""Contract CSV files read as text: dialects, blank and short rows, quoting, empty files."""

from __future__ import annotations

from pathlib import Path

import pytest
from loading_helpers import BASE, as_rows, base_records, copy_base, edit, load_quietly, problems_of

from pmo_analytics.exceptions import PortfolioValidationError
from pmo_analytics.portfolio.io import load_portfolio


@pytest.fixture(scope="module")
def base_portfolio():
    return load_quietly(BASE)


@pytest.fixture
def base_copy(tmp_path) -> Path:
    return copy_base(tmp_path / "portfolio")


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


def test_empty_files(tmp_path):
    folder = copy_base(tmp_path / "empty")
    (folder / "actuals.csv").write_text("")
    loaded = load_quietly(folder)
    assert loaded.actuals.empty
    assert loaded.warnings["rule"].tolist() == ["the file is empty (taken as absent)"]
    (folder / "demand.csv").write_text("\n\n")
    with pytest.raises(PortfolioValidationError, match="the file is empty") as caught:
        load_portfolio(folder)
    assert len(caught.value.problems) == 1  # no flood of follow-on problems


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
