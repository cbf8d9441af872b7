"""The benchmark harness: run each case in a fresh process, time it, read its peak memory."""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Case:
    """One benchmark case.

    ``setup`` builds the input (not timed) and returns it; ``run`` takes it and returns a dict
    of extra figures to report (objective, gap, …) or None. Seconds are the wall-clock time of
    ``run``; peak MB is the process's peak resident memory (setup and imports included) and
    ``peak_mb_run`` how much the run added above what setup had reached.
    """

    group: str
    name: str
    setup: Callable[[], object]
    run: Callable[[object], dict | None]
    target: str = ""
    extra: dict = field(default_factory=dict)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _child(module: str, index: int, queue: mp.Queue) -> None:
    case = importlib.import_module(module).CASES[index]
    data = case.setup()
    before = _rss_mb()
    start = time.perf_counter()
    figures = case.run(data) or {}
    seconds = time.perf_counter() - start
    peak = _rss_mb()
    queue.put({"seconds": seconds, "peak_mb": peak, "peak_mb_run": peak - before, **figures})
    queue.close()
    queue.join_thread()  # the figures are on their way
    # leave without the exit handlers: they would wait (minutes) for idle joblib workers
    os._exit(0)


def run_case(module: str, index: int, timeout: float = 3600) -> dict:
    """Run ``CASES[index]`` of ``module`` in a fresh process and return its figures."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(module, index, queue))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.exitcode != 0 or queue.empty():
        return {"error": f"failed (exit code {proc.exitcode})"}
    return queue.get()


def run_module(module: str) -> pd.DataFrame:
    """Run every case of a benchmark module; one row per case."""
    cases = importlib.import_module(module).CASES
    rows = []
    for i, case in enumerate(cases):
        figures = run_case(module, i)
        rows.append({"group": case.group, "case": case.name, **figures, "target": case.target})
        print(f"  {case.group:<14} {case.name:<48} " + _short(figures), flush=True)
    return pd.DataFrame(rows)


def _short(figures: dict) -> str:
    if "error" in figures:
        return figures["error"]
    return f"{figures['seconds']:8.2f} s  peak {figures['peak_mb']:7.0f} MB"
