"""The hostile corpus (``corpus.py``): every case gets its clear answer.

Each case is built in a folder of its own, which is also the working folder of the run. Every
case is run in this process through :func:`pmo_analytics.cli.run` (fast); the ``resource``
cases and a representative subset also as a real process through the console script's entry
point, the resource ones measured: CPU time and peak memory of that process, within
:data:`corpus.CPU_SECONDS` and :data:`corpus.PEAK_MB` (see there why CPU time).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from corpus import CASES, CPU_SECONDS, PEAK_MB, Case

from pmo_analytics.cli import run

ENTRY = "from pmo_analytics.cli import main; main()"
# The peak resident memory of the command itself. ``wait4``'s ``ru_maxrss`` will not
# do: Linux carries the parent's resident size at the fork into the child's peak, so a
# pytest worker of 500 MB would be charged to every command it starts. ``VmHWM`` is
# the high-water mark of the process's own address space since its ``exec``.
MEASURED_ENTRY = (
    "import atexit, os, re\n"
    "def _peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    kb = re.search(r'VmHWM:\\s+(\\d+)', status).group(1)\n"
    "    open(os.environ['PMO_PEAK_FILE'], 'w').write(kb)\n"
    "atexit.register(_peak)\n"
    "from pmo_analytics.cli import main; main()"
)
IN_PROCESS = [c for c in CASES if not c.resource]
AS_PROCESS = [c for c in CASES if c.resource or c.subprocess]


def inputs_state(root: Path, outputs: tuple[str, ...]) -> dict[str, str]:
    """Hash and mtime of every input under ``root``: all but the run's ``outputs`` (and
    staging folders of the run, which the cases with outputs check are gone)."""
    state = {}
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if d not in outputs and not d.startswith(".pmo-stage-")]
            files = [f for f in files if f not in outputs]
        for name in files:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink() and path.stat().st_size < 50 * 1024**2:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                state[str(path.relative_to(root))] = f"{digest}@{path.stat().st_mtime_ns}"
    return state


def assert_answer(item: Case, code: int, output: str) -> None:
    assert code == item.exit, f"{item.name}: exit {code}, expected {item.exit}\n{output}"
    assert "Traceback" not in output and "unexpected error" not in output, output
    for name in item.names:
        assert name in output, f"{item.name}: {name!r} not named in\n{output}"
    assert item.says in output, f"{item.name}: {item.says!r} not said in\n{output}"


def test_the_corpus_is_big_enough_and_names_are_unique():
    assert len(CASES) >= 150
    assert len({c.name for c in CASES}) == len(CASES)
    assert sum(c.resource for c in CASES) >= 15


@pytest.mark.parametrize("item", IN_PROCESS, ids=lambda c: c.name)
def test_in_process(item: Case, tmp_path, monkeypatch, capsys):
    argv = item.build(tmp_path)
    monkeypatch.chdir(tmp_path / item.cwd)
    before = inputs_state(tmp_path, item.outputs)
    code = run(argv)
    out, err = capsys.readouterr()
    assert_answer(item, code, out + err)
    assert inputs_state(tmp_path, item.outputs) == before
    if item.check is not None:
        item.check(tmp_path)


def run_measured(argv: list[str], cwd: Path, timeout: float = 120.0):
    """Run the command line as a process; (exit code, output, CPU seconds, peak MB, wall s)."""
    out_path, err_path = cwd.parent / f"{cwd.name}.out", cwd.parent / f"{cwd.name}.err"
    peak_path = cwd.parent / f"{cwd.name}.peak"
    env = {**os.environ, "PMO_PEAK_FILE": str(peak_path)}
    started = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", MEASURED_ENTRY, *argv],
            cwd=cwd,
            stdout=out,
            stderr=err,
            env=env,
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # this child's own CPU time
        finally:
            timer.cancel()
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    output = out_path.read_text(errors="replace") + err_path.read_text(errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    # no peak file: the command did not exit through Python's exit handlers (killed)
    peak_mb = int(peak_path.read_text()) / 1024 if peak_path.exists() else float("inf")
    return proc.returncode, output, cpu, peak_mb, wall


@pytest.mark.parametrize("item", AS_PROCESS, ids=lambda c: c.name)
def test_as_a_process(item: Case, tmp_path):
    root = tmp_path / "case"
    root.mkdir()
    argv = item.build(root)
    before = inputs_state(root, item.outputs)
    code, output, cpu, peak_mb, wall = run_measured(argv, root / item.cwd)
    assert_answer(item, code, output)
    assert inputs_state(root, item.outputs) == before
    if item.resource:
        print(f"{item.name}: {cpu:.2f} s CPU, {wall:.2f} s wall, {peak_mb:.0f} MB peak")
        assert cpu <= CPU_SECONDS, f"{item.name}: {cpu:.1f} s of CPU"
        assert peak_mb <= PEAK_MB, f"{item.name}: {peak_mb:.0f} MB"


def test_a_closed_standard_output_ends_quietly(tmp_path, sample_path):
    # validate … | head -1: the reader goes after the first line
    proc = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "validate", str(sample_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert first.decode().endswith("a valid portfolio\n")
    assert err == ""
