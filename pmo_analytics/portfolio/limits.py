"""The stated limits of what loading reads, so that no input makes it work without bound.

A portfolio beyond a limit is refused before the work starts — within seconds and without
reading the file into memory — with a problem naming the file (or sheet) and the limit. The
limits are generous for a portfolio office (a 5,000-project portfolio with quarterly demand
for ten roles over three years is 600,000 demand rows: 2.4 million cells, 20 MB of CSV) and
keep loading within about a gigabyte of memory.

``MAX_FILE_BYTES``
    Size of one CSV file or of the workbook [bytes].
``MAX_COLUMNS``
    Cells in a header row (the contract has at most 15 columns per file; extra columns are
    kept, up to this many).
``MAX_CELLS``
    Cells of one table: lines x header cells of a CSV file (blank lines count), or a sheet's
    used range (rows x columns, as the workbook states it; ``Ctrl+End`` in Excel shows its
    last cell).
``MAX_CELL_CHARS``
    Characters in one cell (a longer one is most often an unclosed quote).
``MAX_UNZIPPED_BYTES``
    Size of a workbook's parts once unzipped [bytes]: an .xlsx is a zip archive, and a small
    file can unpack to gigabytes.
``MAX_PERIODS``
    Periods in the horizon, and the largest ``offset`` and ``duration`` [periods]: 1,000 is
    250 years of quarters (a longer run is most often a typo in a year).
``MAX_AMOUNT``
    Largest number in any numeric cell (costs, FTE, values, scores) [its unit]: beyond 1e15
    sums of amounts lose the cents and the solver its precision.
``MAX_SCENARIO_BYTES``, ``MAX_NESTING``
    Size of a scenario file or of a previous plan's ``summary.json`` [bytes], and how deeply
    their tables and lists may nest.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from typing import Any

MAX_FILE_BYTES: int = 100 * 1024**2
MAX_COLUMNS: int = 1_000
MAX_CELLS: int = 5_000_000
MAX_CELL_CHARS: int = 131_072
MAX_UNZIPPED_BYTES: int = 512 * 1024**2
MAX_PERIODS: int = 1_000
MAX_AMOUNT: float = 1e15
MAX_SCENARIO_BYTES: int = 1024**2
MAX_NESTING: int = 32


def describe_bytes(n: int) -> str:
    """A size in bytes for people: ``256 MB``, ``1 GB``, ``1.5 kB``.

    Examples
    --------
    >>> describe_bytes(256 * 1024**2), describe_bytes(1024**3), describe_bytes(1536)
    ('256 MB', '1 GB', '1.5 kB')
    """
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def nesting_depth(value: Any, *, stop: int = MAX_NESTING) -> int:
    """How deeply tables (mappings) and lists nest in ``value`` (a scalar is 0), counted
    without recursion and no further than ``stop + 1``.

    Examples
    --------
    >>> nesting_depth({"a": [1, {"b": []}]}), nesting_depth(3)
    (4, 0)
    """
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, Mapping):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > stop:
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest


def read_bounded(path: str | os.PathLike[str], limit: int) -> tuple[bytes | None, str]:
    """The bytes of a regular file of at most ``limit`` bytes, or None and why not.

    A device, pipe or folder is refused before it is read (``/dev/zero`` never ends); the
    size is checked before reading and again on what was read (a file may grow meanwhile).

    Examples
    --------
    >>> read_bounded("/dev/null", 10)
    (None, 'not a regular file (a device, pipe or folder)')
    """
    try:
        info = os.stat(path)
    except OSError as err:
        return None, err.strerror or str(err)
    if not stat.S_ISREG(info.st_mode):
        return None, "not a regular file (a device, pipe or folder)"
    if info.st_size > limit:
        return (
            None,
            f"{describe_bytes(info.st_size)}: larger than the limit of {describe_bytes(limit)}",
        )
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        return None, f"larger than the limit of {describe_bytes(limit)}"
    return data, ""
