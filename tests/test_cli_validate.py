"""``pmo-analytics validate``: a summary or every problem, exit codes, no traceback, inputs untouched."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pmo_analytics.cli import EXIT_BAD_INPUT, EXIT_OK, run

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).parent / "bad_inputs"
SCRIPT = Path(sys.executable).parent / "pmo-analytics"
CASES = {
    p.name: tomllib.loads((p / "case.toml").read_text())
    for p in sorted(BAD.iterdir())
    if (p / "case.toml").is_file()
}
FAILING = sorted(name for name, case in CASES.items() if not case["loads"])
# run through the real console script; the rest through run() in this process
SUBPROCESS = ["many_problems", "dependency_cycle", "not_utf8"]


def folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
            digest.update(str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()


def console(*args: str) -> subprocess.CompletedProcess:
    if not SCRIPT.exists():
        pytest.skip(f"the console script is not installed at {SCRIPT} (pip install -e .)")
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env
    )


@pytest.mark.parametrize("case", SUBPROCESS)
def test_console_script_exits_2_and_lists_every_problem(case):
    before = folder_hash(BAD / case)
    result = console("validate", str(BAD / case))
    assert result.returncode == EXIT_BAD_INPUT, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    problems = CASES[case]["problems"]
    head = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
    assert result.stderr.startswith(head)
    for problem in problems:
        assert problem["file"] in result.stderr and problem["rule"] in result.stderr
    assert result.stdout == ""
    assert folder_hash(BAD / case) == before


def test_console_script_summary_of_a_valid_portfolio():
    result = console("validate", str(BAD / "base"))
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].endswith("base: a valid portfolio")
    assert (
        "Portfolio of 5 projects (4 candidates), horizon 2027Q1..2027Q4 (4 quarters), 2 roles"
        in lines
    )
    assert "Projects by status and category:" in lines


def test_console_script_usage_error():
    result = console()
    assert result.returncode == EXIT_BAD_INPUT
    assert "usage: pmo-analytics" in result.stderr and "Traceback" not in result.stderr


def test_run_on_a_path_that_does_not_exist(capsys):
    assert run(["validate", str(BAD / "no_such_portfolio")]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err


@pytest.mark.parametrize("case", [c for c in FAILING if c not in SUBPROCESS])
def test_run_exits_2_with_the_problem_and_no_traceback(case, capsys):
    before = folder_hash(BAD / case)
    assert run(["validate", str(BAD / case)]) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    for problem in CASES[case]["problems"]:
        line = next(
            (
                line
                for line in err.splitlines()
                if line.startswith(problem["file"]) and problem["rule"] in line
            ),
            None,
        )
        assert line is not None, err
        if "row" in problem:
            assert f"  {problem['row']}  " in line
    assert folder_hash(BAD / case) == before


def test_run_prints_notes_of_a_portfolio_that_loads(capsys):
    assert run(["validate", str(BAD / "unknown_column")]) == EXIT_OK
    out, err = capsys.readouterr()
    assert err == ""
    assert "1 note (accepted, but worth a look):" in out
    assert "projects.csv    1  owner   owner  unknown column (kept, not used)" in out


def test_run_help_and_unknown_command(capsys):
    assert run(["--help"]) == EXIT_OK
    assert "validate" in capsys.readouterr().out
    assert run(["frobnicate", "x"]) == EXIT_BAD_INPUT
    assert "invalid choice" in capsys.readouterr().err


def test_run_on_the_sample_portfolio(sample_path, capsys):
    assert run(["validate", str(sample_path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Per period, if every candidate started as early as it can" in out


def test_run_on_a_workbook(tmp_path, capsys):
    from pmo_analytics.portfolio.io import write_portfolio
    from pmo_analytics.portfolio.synthetic import generate_portfolio

    book = write_portfolio(
        generate_portfolio(8, n_periods=4, n_roles=2, seed=1), tmp_path / "p.xlsx"
    )
    assert run(["validate", str(book)]) == EXIT_OK
    assert "Portfolio of 8 projects" in capsys.readouterr().out


def test_run_on_a_broken_workbook_names_the_sheet(tmp_path, capsys):
    from openpyxl import load_workbook

    from pmo_analytics.portfolio.io import write_portfolio
    from pmo_analytics.portfolio.synthetic import generate_portfolio

    book = write_portfolio(
        generate_portfolio(8, n_periods=4, n_roles=2, seed=1), tmp_path / "p.xlsx"
    )
    workbook = load_workbook(book)
    workbook["budget"]["B3"] = -10
    workbook.save(book)
    before = folder_hash(tmp_path)
    assert run(["validate", str(book)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "p.xlsx[budget]    3  amount  -10    must not be negative" in err
    assert folder_hash(tmp_path) == before
