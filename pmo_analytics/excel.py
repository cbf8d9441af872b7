"""Plain .xlsx reading helpers' counterpart: write tables as sheets, safely and atomically.

The formatted leadership workbook lives in :mod:`pmo_analytics.report`; this module only writes
data sheets (a portfolio in contract form), with formulas neutralised and values as values.
"""

from __future__ import annotations

import io
import os

import pandas as pd

from . import safety


def write_sheets(sheets: dict[str, pd.DataFrame], path: str | os.PathLike[str]) -> None:
    """Write each frame to a sheet of that name (header in row 1), atomically.

    Text cells a spreadsheet would read as formulas are neutralised; numbers stay numbers.
    """
    from openpyxl import Workbook

    # not write_only: that mode leaves out each sheet's <dimension>, without which readers
    # (openpyxl's read-only mode among them) must parse a whole sheet twice
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        safe = safety.neutralise_frame(frame)
        sheet.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    safety.write_bytes_atomic(path, buffer.getvalue())


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    return value
