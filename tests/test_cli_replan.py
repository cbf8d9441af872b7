"""``pmo-analytics replan``: plan, then replan; exit codes 0/2/3; bad previous plans; no traceback."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from replan_helpers import next_quarter, without_derived

import pmo_analytics as pa
from pmo_analytics.cli import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OK, run
from pmo_analytics.replan.changes import CHANGE_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
LIMITS = ["--time-limit", "30"]


def folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def recorded(portfolio: pa.Portfolio, plan_dir: Path) -> pa.Portfolio:
    """Next quarter's files as a PMO keeps them: a project whose start window has closed is
    recorded as in flight (the plan started it) or cancelled (the loader refuses planned work
    whose window lies wholly before the horizon)."""
    plan = pd.read_csv(plan_dir / "plan.csv", dtype=str, keep_default_na=False).set_index(
        "project_id"
    )
    projects = without_derived(portfolio)
    closed = projects["latest_start"].notna() & (projects["latest_start"] < portfolio.horizon[0])
    closed &= projects["status"].isin(["proposed", "approved"])
    began = closed & plan["selected"].reindex(projects.index).eq("true")
    projects.loc[began, "status"] = "in_flight"
    starts = plan["start"].reindex(projects.index[began])
    projects.loc[began, "start"] = pd.PeriodIndex(starts, freq=portfolio.freq)
    projects.loc[closed & ~began, "status"] = "cancelled"
    return portfolio.replace(projects=projects)


@pytest.fixture(scope="module")
def quarters(tmp_path_factory):
    """This quarter's portfolio and plan (run through the CLI), and next quarter's portfolio."""
    root = tmp_path_factory.mktemp("quarters")
    portfolio = pa.generate_portfolio(14, n_periods=6, n_roles=3, seed=5)
    q1 = pa.write_portfolio(portfolio, root / "q1_portfolio")
    plan_dir = root / "q1_plan"
    assert run(["plan", str(q1), "--out", str(plan_dir), *LIMITS]) == EXIT_OK
    q2 = pa.write_portfolio(recorded(next_quarter(portfolio), plan_dir), root / "q2_portfolio")
    return {"q1": q1, "q2": q2, "plan": plan_dir, "portfolio": portfolio}


def replan_args(quarters: dict, out: Path, *extra: str, portfolio: Path | None = None) -> list:
    """``replan PORTFOLIO --previous PLAN --out OUT [extra...]`` for next quarter by default."""
    target = quarters["q2"] if portfolio is None else portfolio
    return ["replan", str(target), "--previous", str(quarters["plan"]), "--out", str(out), *extra]


def read_changes(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "changes.csv", dtype=str, keep_default_na=False)


def test_replanning_the_same_portfolio_changes_nothing(quarters, tmp_path, capsys):
    out = tmp_path / "again"
    code = run(replan_args(quarters, out, *LIMITS, portfolio=quarters["q1"]))
    assert code == EXIT_OK
    printed = capsys.readouterr().out
    assert "no changes against the previous plan" in printed
    changes = read_changes(out)
    assert list(changes.columns) == CHANGE_COLUMNS and changes.empty
    before = pd.read_csv(quarters["plan"] / "plan.csv", dtype=str, keep_default_na=False)
    after = pd.read_csv(out / "plan.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(before, after)
    assert json.loads((out / "summary.json").read_text())["status"] == "optimal"


def test_a_quarter_on_with_churn_penalty_and_stopping(quarters, tmp_path, capsys):
    out = tmp_path / "q2_plan"
    extra = ["--churn-penalty", "2", "--stop-in-flight", "--termination-cost", "0.1", *LIMITS]
    code = run(replan_args(quarters, out, *extra))
    assert code == EXIT_OK
    changes = read_changes(out)
    previous = pd.read_csv(quarters["plan"] / "plan.csv", dtype=str, keep_default_na=False)
    h0 = str(quarters["portfolio"].horizon[0])
    began = previous[(previous["selected"] == "true") & (previous["start"] == h0)]
    began = began[began["reason"] != "in_flight"]
    started = changes[changes["change"] == "started"]
    assert sorted(started["project_id"]) == sorted(began["project_id"])
    plan = pd.read_csv(out / "plan.csv", dtype=str, keep_default_na=False).set_index("project_id")
    still_running = plan.loc[started["project_id"]]
    assert (still_running[still_running["selected"] == "true"]["start"] == h0).all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["horizon"][0] == str(quarters["portfolio"].horizon[1])
    printed = capsys.readouterr().out
    assert "change(s) against the previous plan" in printed
    assert_the_pack_shows_the_changes(out, changes, summary, printed)


def assert_the_pack_shows_the_changes(out: Path, changes, summary: dict, printed: str) -> None:
    """report.html's "What changed" and plan.xlsx's Changes sheet list every row of
    changes.csv; the headline explains the churn penalty; limits.csv is beside them."""
    assert len(changes) > 0
    page = (out / "report.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="changes">') :]
    section = html.unescape(section[: section.index("</section>")])
    rows = re.findall(r"<tr>(.*?)</tr>", section)[1:]
    assert len(rows) == len(changes)
    for row, change in zip(rows, changes.itertuples(index=False), strict=True):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert cells == [
            change.project_id,
            change.name,
            change.change.replace("_", " "),
            change.previous_start,
            change.start,
            change.reason,
        ]
    book = openpyxl.load_workbook(out / "plan.xlsx")
    sheet = list(book["Changes"].iter_rows(values_only=True))
    assert sheet[0] == ("Project", "Name", "Change", "Previous start", "Start", "Reason")
    assert [r[0] for r in sheet[1:]] == changes["project_id"].tolist()
    assert [r[5] for r in sheet[1:]] == changes["reason"].tolist()
    # the objective = value − churn penalty × changed decisions, said in both places
    penalty = summary["value"] - summary["objective"]
    words = (
        f"objective {summary['objective']:,.2f} = value {summary['value']:,.2f} − churn penalty "
        f"{penalty:,.2f} (2.00 for each of the {round(penalty / 2)} project"
    )
    assert words in section and words in printed
    assert (out / "limits.csv").is_file()
    assert "what one more step of a limit is worth" in printed


def test_a_broken_previous_plan_is_bad_input_and_writes_nothing(quarters, tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "plan.csv").write_text("project_id,selected,start\nP001,perhaps,2027Q1\nP002,true,\n")
    (broken / "summary.json").write_text('{"status": "optimal", "selected": ["P002"]}')
    before = folder_hash(broken)
    out = tmp_path / "never"
    code = run(["replan", str(quarters["q2"]), "--previous", str(broken), "--out", str(out)])
    assert code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("2 problems in the previous plan")
    assert "must be true or false" in err and "is selected but has no start" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert folder_hash(broken) == before


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--termination-cost", "0.2"], "applies only with --stop-in-flight"),
        (["--churn-penalty", "-3"], "is not valid; use a number ≥ 0"),
        (["--as-of", "soon"], "not a period label"),
    ],
)
def test_bad_options_exit_2(quarters, tmp_path, capsys, extra, message):
    out = tmp_path / "never"
    assert run(replan_args(quarters, out, *extra)) == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_missing_previous_folder_exits_2(quarters, tmp_path, capsys):
    code = run(
        [
            "replan",
            str(quarters["q2"]),
            "--previous",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == EXIT_BAD_INPUT
    assert "does not exist" in capsys.readouterr().err


def test_rules_that_cannot_hold_exit_3(quarters, tmp_path, capsys):
    portfolio = quarters["portfolio"]
    projects = without_derived(portfolio)
    projects["mandatory"] = True  # everything at once cannot fit
    impossible = pa.write_portfolio(portfolio.replace(projects=projects), tmp_path / "impossible")
    out = tmp_path / "out"
    code = run(replan_args(quarters, out, *LIMITS, portfolio=impossible))
    assert code == EXIT_INFEASIBLE
    printed = capsys.readouterr().out
    assert "no new plan (infeasible)" in printed
    assert read_changes(out).empty
    assert json.loads((out / "summary.json").read_text())["status"] == "infeasible"


def test_library_and_command_write_the_same_changes(quarters, tmp_path):
    """The command is thin: the library's replan gives the very table the command wrote."""
    out = tmp_path / "cmd"
    assert run(replan_args(quarters, out, *LIMITS)) == EXIT_OK
    portfolio = pa.load_portfolio(quarters["q2"])
    result = pa.replan(portfolio, quarters["plan"], options=pa.OptimiseOptions(time_limit=30))
    expected = result.changes_table().fillna("")
    pd.testing.assert_frame_equal(read_changes(out), expected.astype(str), check_dtype=False)
