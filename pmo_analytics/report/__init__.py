"""The leadership pack of a plan: a self-contained HTML report and a formatted Excel workbook.

:func:`write_report` writes ``report.html`` (opens with no network; prints on A4 or Letter);
:func:`write_workbook` writes ``plan.xlsx`` (formatted sheets of values, formulas neutralised).
Both are written atomically. :func:`~pmo_analytics.report.outputs.write_plan_outputs` writes them beside
the contract outputs of ``pmo-analytics plan``.
"""

from __future__ import annotations

from .html import report_html, write_report
from .outputs import (
    CONTRACT_FILES,
    EXPLAINED,
    PACK_FILES,
    plan_summary,
    summary_json,
    write_plan_outputs,
)
from .workbook import workbook_bytes, write_workbook

__all__ = [
    "CONTRACT_FILES",
    "EXPLAINED",
    "PACK_FILES",
    "plan_summary",
    "summary_json",
    "report_html",
    "workbook_bytes",
    "write_plan_outputs",
    "write_report",
    "write_workbook",
]
