"""Shared helpers of the loading tests: the base portfolio of the bad-input corpus, copies of
it to break, and the problems or warnings loading reports."""

from __future__ import annotations

import csv
import hashlib
import warnings
from pathlib import Path

import pandas as pd
import pytest

from pmo_analytics.exceptions import PROBLEM_COLUMNS, PortfolioValidationError
from pmo_analytics.portfolio.io import load_portfolio

BAD = Path(__file__).parent / "bad_inputs"
BASE = BAD / "base"


def snapshot(path: Path) -> dict[str, str]:
    """Content hash and modification time of a file, or of every file under a folder."""
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() + f"@{p.stat().st_mtime_ns}"
        for p in files
        if p.is_file()
    }


def load_quietly(path: Path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_portfolio(path, **options)


def copy_base(folder: Path) -> Path:
    """A copy of the base portfolio's CSV files in ``folder`` (created)."""
    folder.mkdir()
    for file in BASE.glob("*.csv"):
        (folder / file.name).write_bytes(file.read_bytes())
    return folder


def base_records(file: str) -> list[list[str]]:
    with open(BASE / file, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def as_rows(frame: pd.DataFrame) -> list[tuple]:
    return [
        (r.file, None if pd.isna(r.row) else int(r.row), r.column, r.value, r.rule)
        for r in frame[PROBLEM_COLUMNS].itertuples(index=False)
    ]


def edit(folder: Path, file: str, old: str, new: str) -> None:
    text = (folder / file).read_text()
    assert old in text
    (folder / file).write_text(text.replace(old, new))


def problems_of(folder: Path) -> pd.DataFrame:
    with pytest.raises(PortfolioValidationError, match="problem") as caught:
        load_portfolio(folder)
    return caught.value.problems
