"""Safe exports: formula neutralisation and atomic writes.

Every CSV and Excel file the library writes goes through here, so that

* text a spreadsheet would read as a formula (a cell starting with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return) is neutralised by a leading apostrophe, the convention spreadsheets
  themselves use for "this is text" — and :func:`restore_text` undoes it when the library reads
  its own files back, so a portfolio round-trips unchanged;
* a file appears complete or not at all: it is written to a temporary file beside its target and
  renamed into place; several files of one run are staged together and moved in only when all of
  them were written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value: object) -> object:
    """Prefix ``'`` to a string that a spreadsheet would run as a formula; other values pass.

    Examples
    --------
    >>> neutralise_text('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_text("ERP upgrade")
    'ERP upgrade'
    """
    if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or value.startswith("'")):
        # a text that already starts with an apostrophe gets one more, so restoring is exact
        return "'" + value
    return value


def restore_text(value: object) -> object:
    """Undo :func:`neutralise_text` (drop one leading apostrophe the library added)."""
    if isinstance(value, str) and value.startswith("'"):
        rest = value[1:]
        if rest.startswith((*FORMULA_PREFIXES, "'")):
            return rest
    return value


def restore_arrow_text(values):
    """:func:`restore_text` over a whole pyarrow text array (as files are read back)."""
    import pyarrow.compute as pc

    rest = pc.utf8_slice_codeunits(values, 1)
    risky = pc.starts_with(rest, "'")
    for prefix in FORMULA_PREFIXES:
        risky = pc.or_(risky, pc.starts_with(rest, prefix))
    return pc.if_else(pc.and_(pc.starts_with(values, "'"), risky), rest, values)


def neutralise_series(values: pd.Series) -> pd.Series:
    """``values`` with :func:`neutralise_text` applied to every text cell (vectorised for text
    dtypes; other cells pass unchanged).

    Examples
    --------
    >>> neutralise_series(pd.Series(["=1+1", "ok", None], dtype="str")).tolist()
    ["'=1+1", 'ok', nan]
    """
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values
    if isinstance(values.dtype, pd.StringDtype):
        risky = values.str.startswith((*FORMULA_PREFIXES, "'")).fillna(False).to_numpy(dtype=bool)
        return values.where(~risky, "'" + values) if risky.any() else values
    if values.dtype == object:
        return values.map(neutralise_text)
    return values


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and text index) are neutralised."""
    out = frame.copy()
    for column in out.columns:
        out[column] = neutralise_series(out[column])
    if not pd.api.types.is_numeric_dtype(out.index):
        out.index = out.index.map(neutralise_text)
    out.columns = [neutralise_text(str(c)) for c in out.columns]
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 ``text`` atomically (see :func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def csv_text(frame: pd.DataFrame, *, index: bool = False) -> str:
    """CSV text of ``frame`` with formulas neutralised (comma separated, ``\\n`` line ends)."""
    return neutralise_frame(frame).to_csv(index=index, lineterminator="\n")


def write_csv_atomic(
    path: str | os.PathLike[str], frame: pd.DataFrame, *, index: bool = False
) -> None:
    """Write ``frame`` as a safe CSV, atomically."""
    write_text_atomic(path, csv_text(frame, index=index))


@contextlib.contextmanager
def staged_directory(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Stage the files of one run, then move them into ``path`` only if all were written.

    Yields a temporary folder beside ``path``; write the outputs there. When the block ends
    without an exception each staged file replaces its namesake in ``path`` (created if
    missing); on an exception ``path`` is left exactly as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "plan"
    >>> with staged_directory(out) as stage:
    ...     _ = (stage / "a.txt").write_text("x")
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt']
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging.", dir=target.parent))
    try:
        yield stage
        target.mkdir(parents=True, exist_ok=True)
        for staged in sorted(stage.iterdir()):
            os.replace(staged, target / staged.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
