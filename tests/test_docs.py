"""The API reference (docs/, built by `make docs`) lists every public name exactly once."""

from __future__ import annotations

import re
from pathlib import Path

import pmo_analytics as pa
from pmo_analytics import charts

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _listed(page: str) -> list[str]:
    """The names in the autosummary lists of ``page``."""
    return re.findall(r"^   (\w+)$", (DOCS / page).read_text(encoding="utf-8"), flags=re.M)


def test_the_api_page_lists_every_public_name_once() -> None:
    listed = _listed("api.rst")
    assert sorted(listed) == sorted(pa.__all__)


def test_the_charts_page_lists_every_chart_function_once() -> None:
    listed = _listed("charts.rst")
    assert len(listed) == len(set(listed))
    functions = {n for n in charts.__all__ if callable(getattr(charts, n)) and n[0].islower()}
    assert functions == set(listed)
