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
import ctypes
import errno
import functools
import hashlib
import os
import re
import shutil
import socket
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from .exceptions import OutputFolderError

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


# --------------------------------------------------------------------------- output folders
#: Staging folders sit beside the output folder, named ``.pmo-stage-<host>-<pid>-<token>``
#: (``.old`` and ``.target`` mark the old folder and its journal where folders cannot be
#: exchanged in one step); a run removes those of processes that no longer run.
STAGE_PREFIX = ".pmo-stage-"
#: Most entries (files and folders, at any depth) an output folder may hold besides the
#: outputs: they are carried over into the new folder as hard links.
MAX_CARRIED = 10_000

_HOST = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
_STAGE_NAME = re.compile(r"^\.pmo-stage-([0-9a-f]{8})-(\d+)-[^.]+(\.old|\.target)?$")
_FOR_EXAMPLE = "name a folder of its own for the outputs, e.g. --out plan-2027Q3"


def check_output_folder(
    path: str | os.PathLike[str],
    *,
    inputs: Mapping[str, str | os.PathLike[str] | None] | None = None,
    names: Iterable[str] = (),
) -> Path:
    """Check that ``path`` can take the outputs of a run, before any work is done.

    The outputs replace the folder as a whole (see :func:`staged_directory`), so it must be
    a folder (or not exist yet) under folders, not the working folder or one holding it, not
    one of the run's ``inputs`` (what each is → its path; None where not given) nor a folder
    holding one; no output file ``names`` may be
    taken by a folder in it; it may hold at most :data:`MAX_CARRIED` other entries; and its
    parent must be writable.

    Returns
    -------
    Path
        The folder, with symbolic links resolved (where the outputs will be swapped in).

    Raises
    ------
    OutputFolderError
        Saying what is wrong and what would do.

    Examples
    --------
    >>> check_output_folder("")
    Traceback (most recent call last):
    ...
    pmo_analytics.exceptions.OutputFolderError: the output folder is empty: name a folder of its own for the outputs, e.g. --out plan-2027Q3
    """
    text = os.fspath(path)
    text = text.decode(errors="replace") if isinstance(text, bytes) else text
    if not text.strip():
        raise OutputFolderError(f"the output folder is empty: {_FOR_EXAMPLE}")
    if "\x00" in text:
        raise OutputFolderError(f"{text!r}: a folder name cannot hold a NUL character")
    given = Path(text)
    try:
        target = Path(os.path.realpath(given))
        real = {what: Path(os.path.realpath(p)) for what, p in (inputs or {}).items() if p}
        _check_place(given, target, real)
        if target.is_dir():
            _check_contents(given, target, names)
    except OSError as err:
        reason = err.strerror or str(err)
        raise OutputFolderError(f"{given} cannot be used as the output folder: {reason}") from None
    return target


def _check_place(given: Path, target: Path, inputs: dict[str, Path]) -> None:
    """Where the output folder lies: not a file, not under one, no input, not the cwd."""
    for what, item in inputs.items():
        if target == item or target in item.parents:
            where = "is" if target == item else "holds"
            raise OutputFolderError(f"{given} {where} {what} ({item}): {_FOR_EXAMPLE}")
    if os.path.lexists(target) and not target.is_dir():
        raise OutputFolderError(f"{given} is a file, not a folder: {_FOR_EXAMPLE}")
    for ancestor in target.parents:
        if os.path.lexists(ancestor):
            if not ancestor.is_dir():
                raise OutputFolderError(
                    f"{given} lies under {ancestor}, which is a file: {_FOR_EXAMPLE}"
                )
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise OutputFolderError(f"{given}: cannot write in {ancestor} (permission denied)")
            break
    cwd = Path.cwd().resolve()
    if target == cwd or target in cwd.parents:
        what = "is the working folder" if target == cwd else "holds the working folder"
        raise OutputFolderError(
            f"{given} {what}, and the outputs replace their folder as a whole: {_FOR_EXAMPLE}"
        )


def _check_contents(given: Path, target: Path, names: Iterable[str]) -> None:
    """What the output folder holds: no folder where an output file goes, not too much else."""
    for name in names:
        entry = target / name
        if entry.is_dir() and not entry.is_symlink():
            raise OutputFolderError(
                f"{given} holds a folder named {name} where an output file goes: rename or "
                "remove it"
            )
    count, pending = 0, [target]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                count += 1
                if count > MAX_CARRIED:
                    raise OutputFolderError(
                        f"{given} holds more than {MAX_CARRIED:,} files and folders besides the "
                        f"outputs (they would be carried over): {_FOR_EXAMPLE}"
                    )
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))


@contextlib.contextmanager
def staged_directory(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Stage the files of one run, then swap them in as one folder, all or nothing.

    Yields an empty staging folder beside ``path``; write the outputs there. When the block
    ends without an exception, what ``path`` holds besides the staged names is carried into
    the staging folder (as hard links: the same files, untouched), and the staging folder
    replaces ``path`` in one step — on Linux an atomic exchange of the two folders, so that
    ``path`` holds the complete old set or the complete new set at every instant, even when
    the process is killed. Elsewhere the old folder is renamed aside first and, should the
    process die between the two renames, put back by the next run. On an exception ``path``
    is left exactly as it was. Staging folders left by killed processes are removed by the
    next run in the same place.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "plan"
    >>> with staged_directory(out) as stage:
    ...     _ = (stage / "a.txt").write_text("x")
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt']
    """
    target = check_output_folder(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_stages(target.parent)
    stage = Path(
        tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{_HOST}-{os.getpid()}-", dir=target.parent)
    )
    try:
        yield stage
        _swap_in(stage, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _swap_in(stage: Path, target: Path) -> None:
    """Make the complete staging folder the target folder (see :func:`staged_directory`)."""
    if not os.path.lexists(target):
        os.chmod(stage, 0o777 & ~_umask())
        os.rename(stage, target)
        return
    names = [entry.name for entry in os.scandir(stage)]
    _check_contents(target, target, names)  # again: the folder may have changed meanwhile
    _carry_over(target, stage)
    os.chmod(stage, stat.S_IMODE(target.stat().st_mode))
    if exchange_paths(stage, target):
        _return_latecomers(stage, target)  # the staging name now holds the old folder
        return
    _swap_by_renames(stage, target)


def _carry_over(target: Path, stage: Path) -> None:
    """Hard-link every entry of ``target`` that the stage does not replace into the stage."""
    for entry in os.scandir(target):
        dest = stage / entry.name
        if os.path.lexists(dest):
            continue
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), dest)
        elif entry.is_dir():
            shutil.copytree(entry.path, dest, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry.path, dest)


def _link_or_copy(source: str, dest: str) -> None:
    try:
        os.link(source, dest, follow_symlinks=False)
    except OSError:  # a file system without hard links: a copy with its times
        shutil.copy2(source, dest, follow_symlinks=False)


def _return_latecomers(old: Path, target: Path) -> None:
    """Move into ``target`` what appeared in the old folder after it was carried over."""
    for entry in os.scandir(old):
        if not os.path.lexists(target / entry.name):
            os.rename(entry.path, target / entry.name)


def _swap_by_renames(stage: Path, target: Path) -> None:
    """Where folders cannot be exchanged: rename the old one aside, then the new one in.

    A journal beside them names the target, so that the next run can put the old folder
    back should this process die between the two renames.
    """
    old = stage.with_name(stage.name + ".old")
    journal = stage.with_name(stage.name + ".target")
    journal.write_text(target.name, encoding="utf-8")
    os.rename(target, old)
    try:
        os.rename(stage, target)
    except BaseException:
        os.rename(old, target)
        journal.unlink()
        raise
    _return_latecomers(old, target)
    shutil.rmtree(old, ignore_errors=True)
    journal.unlink()


def exchange_paths(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False, changing nothing, where the system or file system cannot do it.
    """
    call = _renameat2()
    if call is None:
        return False
    at_cwd, rename_exchange = -100, 2
    if call(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


@functools.cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not glibc 2.28+ / musl 1.2.4+
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (True where that cannot be told)."""
    if pid == os.getpid() or os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _stale(folder: Path) -> list[tuple[Path, str]]:
    """(path, suffix) of the staging entries in ``folder`` of dead processes of this machine."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError:
        return []
    out = []
    for name in names:
        found = _STAGE_NAME.match(name)
        if found and found.group(1) == _HOST and not _alive(int(found.group(2))):
            out.append((folder / name, found.group(3) or ""))
    return out


def remove_stale_stages(folder: str | os.PathLike[str]) -> list[str]:
    """Remove the staging folders in ``folder`` left by processes of this machine that no
    longer run; first put back an old output folder that a killed run had renamed aside
    (where folders cannot be exchanged in one step) and not replaced.

    Returns
    -------
    list of str
        The names of the entries removed.
    """
    folder = Path(folder)
    for journal, suffix in _stale(folder):
        if suffix != ".target":
            continue
        old = journal.with_name(journal.name.removesuffix(".target") + ".old")
        target = folder / journal.read_text(encoding="utf-8", errors="replace").strip()
        if old.is_dir() and target != folder and not os.path.lexists(target):
            os.rename(old, target)
        journal.unlink(missing_ok=True)
    removed = []
    for path, _ in _stale(folder):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed
