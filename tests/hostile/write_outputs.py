"""Child process of the kill tests: write a pickled plan's outputs, perhaps killed on the way.

``python write_outputs.py PLAN.pickle OUT MODE N``

``MODE`` is ``time`` (just write; the test kills this process after a random delay), ``ops``
(kill this very process with SIGKILL just before its ``N``-th file-system operation:
creating, linking, renaming, exchanging, removing a file or folder, or changing its mode;
``N = 0`` never) or ``fallback`` (``ops`` where folders cannot be exchanged in one step).
Prints ``writing`` when it starts writing, and ``ops <count>`` after a complete write.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import time

from pmo_analytics import safety
from pmo_analytics.report import write_plan_outputs

OPERATIONS = ("rename", "replace", "link", "symlink", "mkdir", "unlink", "rmdir", "chmod")


def main() -> None:
    plan_file, out, mode, kill_at = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(plan_file, "rb") as handle:
        plan = pickle.load(handle)
    count = 0

    def counted(function):
        def operation(*args, **kwargs):
            nonlocal count
            count += 1
            if count == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return function(*args, **kwargs)

        return operation

    if mode in ("ops", "fallback"):
        for name in OPERATIONS:
            setattr(os, name, counted(getattr(os, name)))
        exchange = safety.exchange_paths if mode == "ops" else (lambda a, b: False)
        safety.exchange_paths = counted(exchange)
    print("writing", flush=True)
    started = time.perf_counter()
    write_plan_outputs(plan, out)
    print(f"ops {count} seconds {time.perf_counter() - started:.3f}", flush=True)


if __name__ == "__main__":
    main()
