"""Loading a portfolio from a folder or workbook (which files make it), and writing one."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from loading_helpers import BASE, copy_base, load_quietly, snapshot

from pmo_analytics.exceptions import PortfolioValidationError, PortfolioWarning
from pmo_analytics.portfolio.io import load_portfolio, write_portfolio
from pmo_analytics.portfolio.schema import TABLES
from pmo_analytics.portfolio.synthetic import generate_portfolio


@pytest.fixture(scope="module")
def base_portfolio():
    return load_quietly(BASE)


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
    folder = copy_base(tmp_path / "twice")
    (folder / "Budget.csv").write_bytes((BASE / "budget.csv").read_bytes())
    with pytest.raises(PortfolioValidationError, match="more than one file for budget.csv"):
        load_portfolio(folder)


def test_a_path_that_is_no_portfolio():
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_portfolio(BASE / "nowhere")
    with pytest.raises(FileNotFoundError, match="neither a folder of CSV files nor an .xlsx"):
        load_portfolio(BASE / "projects.csv")


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
    folder = copy_base(tmp_path / "extra")
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
