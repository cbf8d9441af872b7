"""The outputs of a plan run: contract files and the leadership pack, safe and all-or-nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from report_helpers import NASTY, RISKY, RISKY_UNIT, nasty_plan, nasty_portfolio

import pmo_analytics as pa
from pmo_analytics import safety
from pmo_analytics.cli import run
from pmo_analytics.report import workbook
from pmo_analytics.report.outputs import CONTRACT_FILES, PACK_FILES, write_plan_outputs


@pytest.fixture(scope="module")
def portfolio() -> pa.Portfolio:
    return nasty_portfolio()


@pytest.fixture(scope="module")
def plan(portfolio) -> pa.Plan:
    return nasty_plan()


@pytest.fixture(scope="module")
def outputs(plan, tmp_path_factory) -> Path:
    return write_plan_outputs(plan, tmp_path_factory.mktemp("run") / "out")


def folder_state(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path → sha256), and the folder's neighbours."""
    files = {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    files["<beside>"] = ",".join(sorted(p.name for p in folder.parent.iterdir()))
    return files


def test_contract_files_and_the_pack_are_written(plan, outputs):
    assert sorted(p.name for p in outputs.iterdir()) == sorted((*CONTRACT_FILES, *PACK_FILES))
    assert json.loads((outputs / "summary.json").read_text())["n_selected"] == plan.n_selected
    page = (outputs / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script>alert" not in page
    book = openpyxl.load_workbook(outputs / "plan.xlsx")
    assert book.sheetnames[:6] == [
        "Summary",
        "Plan",
        "Schedule",
        "Utilisation",
        "Budget",
        "Limits",
    ]


def test_limits_csv_has_the_contract_columns_and_tight_rows_are_full(plan, outputs):
    back = pd.read_csv(outputs / "limits.csv", dtype=str, keep_default_na=False)
    assert back.columns.tolist() == [
        "limit",
        "period",
        "used",
        "available",
        "utilisation",
        "tight",
        "blocking",
        "step",
        "gain",
        "gain_low",
        "gain_high",
        "lp_estimate",
    ]
    assert len(back) == len(plan.utilisation)
    assert set(back["tight"]) <= {"true", "false"}
    tight = back[back["tight"] == "true"]
    assert (tight["used"].astype(float) == tight["available"].astype(float)).all()
    evaluated = back[back["gain"] != ""]
    assert 0 < len(evaluated) <= 10  # the default: the 10 most promising limits
    low, gain, high = (evaluated[c].astype(float) for c in ("gain_low", "gain", "gain_high"))
    assert (low <= high + 1e-9).all() and (gain >= -1e-9).all()
    assert (back[back["gain"] == ""][["gain_low", "gain_high"]] == "").all().all()


def test_pack_can_be_skipped(plan, tmp_path):
    out = write_plan_outputs(plan, tmp_path / "batch", pack=False)
    assert sorted(p.name for p in out.iterdir()) == sorted(CONTRACT_FILES)


def test_plan_csv_is_safe_and_round_trips(plan, outputs):
    text = (outputs / "plan.csv").read_text(encoding="utf-8")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if c.startswith(safety.FORMULA_PREFIXES)]
    for name in RISKY:
        assert "'" + name in cells
    assert "Zürich Ærø 東京" in cells and "<script>alert(1)</script>" in cells
    back = pd.read_csv(outputs / "plan.csv", dtype=str, keep_default_na=False)
    back["name"] = back["name"].map(safety.restore_text)
    expected = plan.plan_table()
    assert back["name"].tolist() == expected["name"].tolist()
    assert back["project_id"].tolist() == expected["project_id"].tolist()
    assert (
        back["selected"].tolist()
        == expected["selected"].map({True: "true", False: "false"}).tolist()
    )
    assert set(NASTY) <= set(back["name"])


def test_workbook_has_no_formula_cells(outputs):
    book = openpyxl.load_workbook(outputs / "plan.xlsx")
    names = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    for row in book["Plan"].iter_rows(min_row=2, values_only=True):
        names.append(row[1])
        assert not str(row[3]).startswith(safety.FORMULA_PREFIXES)
    for name in RISKY:
        assert "'" + name in names
    assert {safety.restore_text(n) for n in names} >= set(NASTY)
    units = [r[3] for r in book["Plan"].iter_rows(min_row=2, values_only=True)]
    assert "'" + RISKY_UNIT in units


@pytest.mark.parametrize("suffix", ["", ".xlsx"])
def test_portfolio_with_risky_text_round_trips(portfolio, tmp_path, suffix):
    written = pa.write_portfolio(portfolio, tmp_path / f"portfolio{suffix}")
    if suffix:
        book = openpyxl.load_workbook(written)
        sheet = book["projects"]
        header = [c.value for c in sheet[1]]
        names = [r[header.index("name")] for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    else:
        rows = list(csv.DictReader((written / "projects.csv").open(encoding="utf-8")))
        names = [r["name"] for r in rows]
    for name in RISKY:
        assert "'" + name in names
    back = pa.load_portfolio(written)
    assert back.projects["name"].tolist() == portfolio.projects["name"].tolist()
    assert back.projects["business_unit"].tolist() == portfolio.projects["business_unit"].tolist()


@pytest.mark.parametrize("failing", ["workbook", "report"])
def test_a_failing_writer_leaves_the_folder_as_it_was(plan, tmp_path, monkeypatch, failing):
    out = tmp_path / "out"
    write_plan_outputs(plan, out, pack=False)  # an earlier run's files
    (out / "notes.txt").write_text("kept")
    before = folder_state(out)

    def half_written(plan, path, **kwargs):  # writes part of its file, then fails
        Path(path).write_bytes(b"PK\x03\x04 half a file")
        raise OSError("disk full")

    from pmo_analytics.report import html

    module = workbook if failing == "workbook" else html
    name = "write_workbook" if failing == "workbook" else "write_report"
    monkeypatch.setattr(module, name, half_written)
    with pytest.raises(OSError, match="disk full"):
        write_plan_outputs(plan, out, explain=0)
    assert folder_state(out) == before
    assert not (out / "report.html").exists() and not (out / "plan.xlsx").exists()


def test_a_failed_first_run_creates_no_folder(plan, tmp_path, monkeypatch):
    def fail(plan, path, **kwargs):
        raise RuntimeError("writer broke")

    monkeypatch.setattr(workbook, "write_workbook", fail)
    with pytest.raises(RuntimeError, match="writer broke"):
        write_plan_outputs(plan, tmp_path / "new", explain=0)
    assert list(tmp_path.iterdir()) == []


def test_plan_command_writes_the_pack(portfolio, outputs, tmp_path, capsys):
    folder = pa.write_portfolio(portfolio, tmp_path / "portfolio")
    code = run(["plan", str(folder), "--out", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted((*CONTRACT_FILES, *PACK_FILES))
    # the command's pack is the library's pack of the same plan, byte for byte
    for name in ("plan.csv", "utilisation.csv", "report.html", "plan.xlsx"):
        assert (out / name).read_bytes() == (outputs / name).read_bytes(), name


def test_plan_command_help_names_every_output(capsys):
    assert run(["plan", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for name in (*CONTRACT_FILES, *PACK_FILES):
        assert name in text, name
    assert "--what-if N" in text


def test_plan_command_what_if_re_solves_for_the_report(portfolio, tmp_path, capsys):
    folder = pa.write_portfolio(portfolio, tmp_path / "portfolio")
    code = run(["plan", str(folder), "--out", str(tmp_path / "out"), "--what-if", "1"])
    assert code == 0, capsys.readouterr().err
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    first, second = page[page.index('id="excluded"') :].split('class="explain"')[1:3]
    assert "Forcing it in would cost" in first or "cannot be forced in" in first
    assert "Forcing it in" not in second and "cannot be forced in" not in second


@pytest.mark.parametrize(
    ("given", "message"),
    [("-1", "argument --what-if: -1 must be zero or more"), ("two", "'two' is not a whole")],
)
def test_plan_command_refuses_a_bad_what_if(portfolio, tmp_path, capsys, given, message):
    folder = pa.write_portfolio(portfolio, tmp_path / "portfolio")
    code = run(["plan", str(folder), "--out", str(tmp_path / "out"), "--what-if", given])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
