"""The leadership workbook: ``plan.xlsx``, formatted sheets of one plan.

Sheets: Summary, Plan, Schedule (project × period grid, the periods each selected project runs
filled in its category's colour, holding that period's cost), Utilisation, Budget, Limits (every
row of ``limits.csv``: what one more step of each limit is worth), and — where given — Changes
(every row of a replan's ``changes.csv``), Scenarios and Frontier; Diagnosis for a plan without
a solution.
Every sheet has a styled header row, frozen panes, an auto filter, number formats and column
widths. Cells hold values, never formulas: text a spreadsheet would run as a formula is
neutralised with a leading apostrophe (:mod:`pmo_analytics.safety`), numbers stay numbers. The
same plan gives the same file, byte for byte (fixed zip timestamps, no creation date).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import safety
from ..exceptions import OptionsError
from ..optimise import limit_table
from . import _tables as tables

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

    from ..optimise import Plan

#: Sheet names, in order (Scenarios, Frontier and Diagnosis only when there is something).
SHEETS = (
    "Summary",
    "Plan",
    "Schedule",
    "Utilisation",
    "Budget",
    "Limits",
    "Changes",
    "Scenarios",
    "Frontier",
    "Diagnosis",
)
HEADER_FILL = "DCE6F0"
HEADER_FONT = "1D2330"
#: Fills of utilisation cells: at the limit, and over it.
AT_LIMIT_FILL = "FCE3C6"
OVER_FILL = "F4B183"
_FORMATS = {
    "number": "#,##0.00",
    "share": "0.0%",
    "count": "#,##0",
    "fte": "#,##0.00",
    "small": "0.00E+00",
}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------- cells
def _value(value: object) -> object:
    """A cell value: numbers stay numbers, text is neutralised, missing is empty."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, pd.Period):
        value = str(value)
    if isinstance(value, str):
        # characters that XML cannot hold would make the file unreadable
        return safety.neutralise_text(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    if isinstance(value, bool | int | float):
        return value
    return safety.neutralise_text(str(value))


class _Book:
    """An openpyxl workbook with the pack's styles."""

    def __init__(self, currency: str) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.book = Workbook()
        self.book.remove(self.book.active)
        self.book.properties.creator = "pmo_analytics"
        symbol = currency.replace('"', "")
        self.formats = {
            **_FORMATS,
            "money": f'"{symbol}"#,##0' if symbol else "#,##0",
        }
        self.header_font = Font(bold=True, color=HEADER_FONT)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.header_border = Border(bottom=Side(style="medium", color="8C96A3"))
        self.header_alignment = Alignment(vertical="center", wrap_text=True)
        self.bold = Font(bold=True)
        self.fill = lambda colour: PatternFill("solid", fgColor=colour)

    def sheet(self, name: str) -> Worksheet:
        return self.book.create_sheet(title=name)

    def table(
        self,
        sheet: Worksheet,
        frame: pd.DataFrame,
        columns: Sequence[tuple[str, str, str]],
        *,
        freeze: str = "A2",
        row_formats: Sequence[Mapping[str, str]] | None = None,
    ) -> None:
        """Write ``frame`` as a table: columns as (column, header, kind); header row styled,
        panes frozen at ``freeze``, an auto filter over the table, formats by kind (or per row
        from ``row_formats``: column → kind)."""
        from openpyxl.utils import get_column_letter

        sheet.append([_value(header) for _, header, _ in columns])
        values = [frame[c].tolist() for c, _, _ in columns]
        for row in zip(*values, strict=True):
            sheet.append([_value(v) for v in row])
        for j, (_, _, kind) in enumerate(columns, start=1):
            number_format = self.formats.get(kind)
            if number_format is None:
                continue
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = number_format
        if row_formats is not None:
            positions = {c: j for j, (c, _, _) in enumerate(columns, start=1)}
            for i, formats in enumerate(row_formats, start=2):
                for column, kind in formats.items():
                    sheet.cell(row=i, column=positions[column]).number_format = self.formats[kind]
        self.style_header(sheet, len(columns))
        sheet.freeze_panes = freeze
        last = get_column_letter(max(len(columns), 1))
        sheet.auto_filter.ref = f"A1:{last}{max(len(frame) + 1, 1)}"
        self.widths(sheet, frame, columns)

    def style_header(self, sheet: Worksheet, n_columns: int) -> None:
        for cell in sheet[1][:n_columns]:
            cell.font = self.header_font
            cell.fill = self.header_fill
            cell.border = self.header_border
            cell.alignment = self.header_alignment

    def widths(
        self, sheet: Worksheet, frame: pd.DataFrame, columns: Sequence[tuple[str, str, str]]
    ) -> None:
        """Column widths from the longest header word or shown value (10 to 60 characters)."""
        from openpyxl.utils import get_column_letter

        for j, (column, header, kind) in enumerate(columns, start=1):
            values = frame[column]
            if kind in ("money", "number", "count", "fte", "small"):
                largest = pd.to_numeric(values, errors="coerce").abs().max(skipna=True)
                shown = len(f"{largest:,.2f}") + 2 if pd.notna(largest) else 4
            elif kind == "share":
                shown = 7
            else:
                shown = max((len(str(v)) for v in values.dropna()), default=4)
            longest_word = max((len(w) for w in str(header).split()), default=4)
            width = max(shown, longest_word, len(str(header)) * 0.8) + 2
            sheet.column_dimensions[get_column_letter(j)].width = float(min(max(width, 10), 60))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return _deterministic_zip(buffer.getvalue())


def _deterministic_zip(data: bytes) -> bytes:
    """The same .xlsx with fixed entry timestamps and without creation or modification dates."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>", b"", content
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


# --------------------------------------------------------------------------- sheets
def _summary_sheet(book: _Book, plan: Plan) -> None:
    sheet = book.sheet("Summary")
    items = tables.summary_items(plan)
    frame = pd.DataFrame(
        {"item": [i[0] for i in items], "value": [i[1] for i in items]}, dtype=object
    )
    kinds = [i[2] for i in items]
    book.table(
        sheet,
        frame,
        [("item", "Item", "text"), ("value", "Value", "text")],
        row_formats=[{"value": k} if k != "text" else {} for k in kinds],
    )
    sheet.auto_filter.ref = None  # a list of figures, not a table to filter
    row = len(items) + 3
    for heading, lines in (
        ("Why no plan satisfies the rules", plan.diagnosis["message"].tolist()),
        ("Notes on this run", list(plan.notes)),
    ):
        if not lines:
            continue
        sheet.cell(row=row, column=1, value=heading).font = book.bold
        for line in lines:
            row += 1
            sheet.cell(row=row, column=1, value=_value(line))
        row += 2
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 44


def _plan_sheet(book: _Book, plan: Plan) -> None:
    rows = tables.plan_rows(plan)
    columns = [
        ("project_id", "Project id", "text"),
        ("name", "Name", "text"),
        ("category", "Category", "text"),
        ("business_unit", "Business unit", "text"),
        ("status", "Status", "text"),
        ("mandatory", "Mandatory", "bool"),
        ("selected", "Selected", "bool"),
        ("start", "Start", "text"),
        ("finish", "Finish", "text"),
        ("value", "Strategic value", "number"),
        ("objective_value", f"Objective value ({plan.options.value_basis})", "number"),
        ("cost", "Cost", "money"),
        ("reason", "Reason", "text"),
    ]
    book.table(book.sheet("Plan"), rows, columns, freeze="C2")


def _schedule_sheet(book: _Book, plan: Plan) -> None:
    from openpyxl.styles import PatternFill

    from ..charts import category_colours

    grid = tables.schedule_grid(plan).reset_index()
    periods = [str(p) for p in plan.portfolio.horizon]
    columns = [
        ("project_id", "Project id", "text"),
        ("name", "Name", "text"),
        ("category", "Category", "text"),
        *[(p, p, "money") for p in periods],
    ]
    sheet = book.sheet("Schedule")
    book.table(sheet, grid, columns, freeze="D2")
    colours = category_colours(sorted(set(grid["category"])))  # blank too: "" sorts first
    fills = {k: PatternFill("solid", fgColor=_tint(v)) for k, v in colours.items()}
    running = grid[periods].notna().to_numpy()
    for i, category in enumerate(grid["category"]):
        fill = fills[category]
        sheet.cell(row=i + 2, column=3).fill = fill
        for j in np.flatnonzero(running[i]):
            sheet.cell(row=i + 2, column=4 + int(j)).fill = fill
    for j in range(4, 4 + len(periods)):
        sheet.column_dimensions[sheet.cell(row=1, column=j).column_letter].width = 12


def _tint(colour: str, keep: float = 0.45) -> str:
    """``colour`` (#RRGGBB) mixed with white, keeping ``keep`` of it, as RRGGBB."""
    rgb = [int(colour.lstrip("#")[k : k + 2], 16) for k in (0, 2, 4)]
    return "".join(f"{round(255 - (255 - c) * keep):02X}" for c in rgb)


def _utilisation_sheet(book: _Book, plan: Plan) -> None:
    frame = plan.utilisation_table()
    columns = [
        ("resource", "Resource", "text"),
        ("period", "Period", "text"),
        ("used", "Used", "fte"),
        ("available", "Available", "fte"),
        ("utilisation", "Utilisation", "share"),
    ]
    is_budget = (frame["resource"] == "budget").tolist()
    formats = [
        {"used": "money", "available": "money"} if b else {"used": "fte", "available": "fte"}
        for b in is_budget
    ]
    sheet = book.sheet("Utilisation")
    book.table(sheet, frame, columns, row_formats=formats)
    share = frame["utilisation"].astype(float).to_numpy()
    for i in np.flatnonzero(share >= 1 - 1e-9):
        colour = OVER_FILL if share[i] > 1 + 1e-6 else AT_LIMIT_FILL
        sheet.cell(row=int(i) + 2, column=5).fill = book.fill(colour)


def _budget_sheet(book: _Book, plan: Plan) -> None:
    frame = tables.budget_rows(plan)
    fixed = [c for c, _, _ in tables.BUDGET_COLUMNS]
    columns = [
        *tables.BUDGET_COLUMNS,
        *[(c, f"Spend: {c}", "money") for c in frame.columns if c not in fixed],
    ]
    sheet = book.sheet("Budget")
    book.table(sheet, frame, columns)
    total_row = len(frame) + 2
    totals: dict[str, Any] = {"period": "Total"}
    for column, _, kind in columns[1:]:
        if kind == "money":
            values = frame[column].astype(float)
            totals[column] = float(values.sum()) if values.notna().any() else None
    if totals.get("budget"):
        totals["share"] = totals["spend"] / totals["budget"]
    for j, (column, _, kind) in enumerate(columns, start=1):
        cell = sheet.cell(row=total_row, column=j, value=_value(totals.get(column)))
        cell.font = book.bold
        if kind in book.formats:
            cell.number_format = book.formats[kind]


#: Columns of the Limits sheet: every column of ``limits.csv``.
LIMIT_SHEET_COLUMNS: list[tables.Column] = [
    ("limit", "Limit", "text"),
    ("period", "Period", "text"),
    ("used", "Used", "fte"),
    ("available", "Available", "fte"),
    ("utilisation", "Utilisation", "share"),
    ("tight", "Tight", "bool"),
    ("blocking", "Keeps out alone", "text"),
    ("step", "Step", "fte"),
    ("gain", "Gain of the step (re-optimised)", "number"),
    ("gain_low", "Gain proven at least", "number"),
    ("gain_high", "Gain proven at most", "number"),
    ("lp_estimate", "LP estimate of the step", "number"),
]


def _limits_sheet(book: _Book, limits: pd.DataFrame) -> None:
    """Every row of limits.csv, in its order; budget rows in money."""
    frame = limits.reset_index(drop=True)
    book.table(
        book.sheet("Limits"),
        frame,
        LIMIT_SHEET_COLUMNS,
        row_formats=tables.limit_kinds(frame),
    )


def _changes_sheet(book: _Book, changes: pd.DataFrame) -> None:
    """Every row of a replan's changes.csv."""
    book.table(book.sheet("Changes"), tables.change_rows(changes), tables.CHANGE_TABLE_COLUMNS)


def _frame_sheet(book: _Book, name: str, frame: pd.DataFrame) -> None:
    """Any tidy frame as a sheet (a scenario comparison, a frontier, the diagnosis)."""
    flat, columns = tables.shown_frame(frame)
    book.table(book.sheet(name), flat, columns)


# --------------------------------------------------------------------------- the workbook
def workbook_bytes(
    plan: Plan,
    *,
    comparison: pd.DataFrame | None = None,
    frontier: pd.DataFrame | None = None,
    currency: str = "",
    limits: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
) -> bytes:
    """The leadership workbook of ``plan`` as .xlsx bytes (see :func:`write_workbook`)."""

    book = _Book(currency)
    _summary_sheet(book, plan)
    _plan_sheet(book, plan)
    _schedule_sheet(book, plan)
    _utilisation_sheet(book, plan)
    _budget_sheet(book, plan)
    _limits_sheet(book, limits if limits is not None else limit_table(plan))
    if changes is not None:
        _changes_sheet(book, changes)
    if comparison is not None:
        _frame_sheet(book, "Scenarios", tables.as_frame(comparison, "table"))
    if frontier is not None:
        _frame_sheet(book, "Frontier", tables.as_frame(frontier, "points"))
    if len(plan.diagnosis):
        _frame_sheet(book, "Diagnosis", plan.diagnosis.reset_index(drop=True))
    return book.to_bytes()


def write_workbook(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    comparison: pd.DataFrame | None = None,
    frontier: pd.DataFrame | None = None,
    currency: str = "",
    limits: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
) -> Path:
    """Write the leadership workbook of ``plan`` to ``path`` (.xlsx), atomically.

    Parameters
    ----------
    plan : Plan
    path : path
        The .xlsx file to write (replaced if it exists).
    comparison : DataFrame, optional
        A scenario comparison (any tidy frame, or a ``ScenarioComparison``: its ``table``),
        written as the Scenarios sheet.
    frontier : DataFrame, optional
        An efficient frontier (any tidy frame, or a ``Frontier``: its ``points``), written as
        the Frontier sheet.
    currency : str
        Symbol shown before money amounts, e.g. ``"€"`` (default none: ``#,##0``).
    limits : DataFrame, optional
        The table of :func:`pmo_analytics.limit_worth` (default: :func:`~pmo_analytics.
        optimise.limit_table`, the limits without re-optimised gains).
    changes : DataFrame, optional
        A replan's ``changes.csv`` table, written as the Changes sheet.

    Returns
    -------
    Path
        The file written. Sheets: Summary, Plan (every project), Schedule (selected projects ×
        periods: each period's cost [currency] where the project runs, filled in its category's
        colour), Utilisation (resource, period, used, available, utilisation; cells at or over
        the limit filled), Budget (per period: budget, spend, remaining, share and spend per
        category [currency], with a total row), Limits (every row of limits.csv), then
        Changes, Scenarios, Frontier and Diagnosis where there is something to show.

    Examples
    --------
    >>> import pmo_analytics as pa, tempfile, pathlib
    >>> plan = pa.optimise(pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1))
    >>> out = pa.write_workbook(plan, pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx")
    >>> import openpyxl; openpyxl.load_workbook(out).sheetnames[:3]
    ['Summary', 'Plan', 'Schedule']
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise OptionsError(f"the workbook must be an .xlsx file, not {target.name!r}")
    data = workbook_bytes(
        plan,
        comparison=comparison,
        frontier=frontier,
        currency=currency,
        limits=limits,
        changes=changes,
    )
    safety.write_bytes_atomic(target, data)
    return target
