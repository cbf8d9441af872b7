"""Killed mid-way: an output folder holds the complete old set or the complete new set.

A child process writes a plan's outputs over those of another plan (``write_outputs.py``) and
is killed with SIGKILL at a random point: before a random one of its file-system operations
(``ops``), or after a random delay (``time``). The random points come from a fixed seed, so a
failure can be replayed. After each kill the folder must hold exactly one complete set —
every output file of the old plan or every one of the new, byte for byte — and the other
files in it unchanged; the staging folder a kill leaves is removed by the next run. The
child alternates between the two plans, so each run writes over the other plan's set.

Where the system cannot exchange two folders in one step (``fallback``: the old folder is
renamed aside, then the new one in) a kill between the two renames leaves no folder; the
next run puts the old one back. Those kills are checked after the next run.
"""

from __future__ import annotations

import hashlib
import pickle
import random
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

import pmo_analytics as pa
from pmo_analytics import safety
from pmo_analytics.report import write_plan_outputs

HERE = Path(__file__).parent
BASE = HERE.parent / "bad_inputs" / "base"
CHILD = HERE / "write_outputs.py"
SEED = 13
#: Chunks of kills per mode (each chunk a test, so that the workers share them): 20 kills of
#: a complete write of the outputs (report.html and plan.xlsx included), 3 more in fallback.
CHUNKS = {"ops": (5, 5), "time": (5, 5), "fallback": (3,)}
OTHER = {"notes.txt": b"mine", "charts/a.svg": b"<svg/>"}  # not ours: must stay as they are


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path → sha256)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> dict[str, Path]:
    """Two plans of the base portfolio (budget cut in the second), pickled, and their sets."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        portfolio = pa.load_portfolio(BASE)
    root = tmp_path_factory.mktemp("plans")
    out = {}
    for name, plan in (("a", pa.optimise(portfolio)), ("b", pa.optimise(portfolio, budget=4e5))):
        path = root / f"{name}.pickle"
        path.write_bytes(pickle.dumps(plan))
        write_plan_outputs(plan, root / f"set-{name}")
        out[name] = path
    sets = [fingerprint(root / f"set-{n}") for n in "ab"]
    assert sets[0] != sets[1] and sets[0].keys() == sets[1].keys()
    return out


def child(plan: Path, out: Path, mode: str, kill_at: int = 0) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(plan), str(out), mode, str(kill_at)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "writing", proc.stderr.read()
    return proc


def stages(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(safety.STAGE_PREFIX))


def expected_sets(plans: dict[str, Path]) -> dict[str, dict[str, str]]:
    root = plans["a"].parent
    return {
        n: {
            **fingerprint(root / f"set-{n}"),
            **{k: hashlib.sha256(v).hexdigest() for k, v in OTHER.items()},
        }
        for n in "ab"
    }


@pytest.fixture(scope="module")
def dry_runs(plans, tmp_path_factory) -> dict[str, tuple[int, float]]:
    """(file-system operations, seconds) of one complete write, per way of swapping."""
    out = {}
    for mode in ("ops", "fallback"):
        folder = tmp_path_factory.mktemp(mode) / "out"
        write_plan_outputs(pickle.loads(plans["a"].read_bytes()), folder)
        proc = child(plans["b"], folder, mode)
        counted, seconds = proc.communicate(timeout=300)[0].split()[1::2]
        assert proc.returncode == 0
        out[mode] = (int(counted), float(seconds))
    out["time"] = out["ops"]
    return out


@pytest.mark.parametrize(
    "mode, chunk",
    [(m, c) for m, n in CHUNKS.items() for c in range(len(n))],
    ids=[f"{m}-{c}" for m, n in CHUNKS.items() for c in range(len(n))],
)
def test_killed_while_writing_leaves_one_complete_set(plans, dry_runs, tmp_path, mode, chunk):
    sets = expected_sets(plans)
    out = tmp_path / "out"
    write_plan_outputs(pickle.loads(plans["b"].read_bytes()), out)
    for name, content in OTHER.items():
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_bytes(content)
    assert fingerprint(out) == sets["b"]
    counted, seconds = dry_runs[mode]
    rng = random.Random(f"{SEED}-{mode}-{chunk}")
    wanted = CHUNKS[mode][chunk]
    kills, attempts, current, killed = 0, 0, "b", []
    while kills < wanted and attempts < 3 * wanted:
        attempts += 1
        target = "a" if current == "b" else "b"
        if mode == "time":
            proc = child(plans[target], out, "time")
            time.sleep(rng.uniform(0.0, 0.8 * seconds))
            proc.send_signal(signal.SIGKILL)
        else:
            proc = child(plans[target], out, mode, rng.randint(1, counted))
        proc.communicate(timeout=300)
        if proc.returncode == -signal.SIGKILL:
            kills += 1
            killed.append(f"-{proc.pid}-")
        if mode == "fallback":  # the next run puts back a folder renamed aside
            safety.remove_stale_stages(tmp_path)
        state = fingerprint(out)
        assert state in (sets[current], sets[target]), (mode, sorted(state))
        current = target if state == sets[target] else current
        # staging folders left are those of the last kill (or two: a run killed while it
        # removed the previous one's); every earlier one has been removed
        assert all(any(pid in name for pid in killed[-2:]) for name in stages(tmp_path))
    assert kills == wanted
    write_plan_outputs(pickle.loads(plans["a"].read_bytes()), out)  # the next complete run
    assert fingerprint(out) == sets["a"] and stages(tmp_path) == []
    print(f"{mode}-{chunk}: {kills} kills in {attempts} runs; {counted} operations a write")


def solver_children(pid: int) -> list[tuple[int, str]]:
    """(pid, state) of the CBC processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and "cbc" in name.lower():
            found.append((int(entry.name), fields[0]))
    return found


def state_of(pid: int) -> str:
    """The process state letter (``Z`` a zombie: dead, not yet reaped), ``gone`` if none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "gone"
    return stat[stat.rindex(")") + 2 :].split()[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux parent-death signal")
def test_the_cbc_child_dies_with_its_parent_and_its_folder_goes(tmp_path):
    import tempfile

    code = (
        "import pmo_analytics as pa\n"
        "p = pa.generate_portfolio(300, n_periods=12, n_roles=5, seed=3)\n"
        "print('solving', flush=True)\n"
        "pa.optimise(p, time_limit=120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "solving"
    deadline = time.monotonic() + 120
    while not (cbc := solver_children(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cbc, "CBC did not start"
    folders = list(Path(tempfile.gettempdir()).glob(f"pmo-solve-{proc.pid}-*"))
    assert folders
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while any(state_of(pid) not in ("gone", "Z") for pid, _ in cbc) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(state_of(pid) in ("gone", "Z") for pid, _ in cbc)  # dead (perhaps not reaped)
    next_run = "from pmo_analytics.optimise.model import remove_stale_solver_dirs as r; print(r())"
    done = subprocess.run([sys.executable, "-c", next_run], capture_output=True, text=True)
    assert folders[0].name in done.stdout and not any(f.exists() for f in folders)
