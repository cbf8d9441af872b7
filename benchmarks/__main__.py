"""Run every benchmark (or those named) and print one table: ``python -m benchmarks [name ...]``."""

from __future__ import annotations

import pkgutil
import sys
from pathlib import Path

import pandas as pd

from .harness import run_module


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in argv] or names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"unknown benchmarks {unknown}; available: {', '.join(names)}", file=sys.stderr)
        return 2
    tables = []
    for name in wanted:
        print(f"{name}:", flush=True)
        tables.append(run_module(f"benchmarks.{name}"))
    table = pd.concat(tables, ignore_index=True)
    with pd.option_context(
        "display.max_columns", None, "display.width", 200, "display.max_colwidth", 60
    ):
        print()
        print(table.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
