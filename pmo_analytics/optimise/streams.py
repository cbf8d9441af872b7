"""Streams: the solvers of one line of the search, in this process or in a worker process.

The search (:mod:`.search`) runs two *streams* — each its own HiGHS models of the formulation
with its own seed — and hands each stream one solve per round. In-process HiGHS runs one solve
at a time whatever the Python thread (measured: two solves from two threads take as long as one
after the other), so the second stream runs in a worker process when ``threads`` allows: the
worker gets the formulation with the first call of a search and then one call at a time.
Every solve starts from scratch (:meth:`.model.HighsModel.solve`), so a call's answer depends
only on its arguments — not on where it runs or what ran before — and the search is the same
with one thread or two. The worker is one process of joblib's ``loky`` executor (a fresh
interpreter: nothing of this process's solver state is copied, and the caller's script is not
run again), started on first use and kept for later searches; should it fail, its stream
carries on in this process.
"""

from __future__ import annotations

import atexit
import time
import uuid

import numpy as np

from .formulation import Formulation
from .insertion import Insertion, Move
from .model import HighsModel, MipResult


def seconds_left(deadline: float | None) -> float | None:
    """Seconds to ``deadline`` (a ``time.monotonic`` instant; None: no limit), at least 1 ms."""
    return None if deadline is None else max(deadline - time.monotonic(), 1e-3)


class Stream:
    """One stream's solvers in this process: the value model and the insertion helper.

    Parameters
    ----------
    formulation : Formulation
    seed : int
        Seed of its HiGHS models.
    """

    def __init__(self, formulation: Formulation, seed: int) -> None:
        self.formulation = formulation
        self.seed = seed
        self._model: HighsModel | None = None
        self._insertion: Insertion | None = None

    @property
    def model(self) -> HighsModel:
        if self._model is None:
            self._model = HighsModel(self.formulation, seed=self.seed)
        return self._model

    @property
    def insertion(self) -> Insertion:
        if self._insertion is None:
            self._insertion = Insertion(self.formulation, seed=self.seed)
        return self._insertion

    def solve(
        self,
        start: np.ndarray | None,
        *,
        lower: np.ndarray | None = None,
        upper: np.ndarray | None = None,
        node_limit: int,
        deadline: float | None,
    ) -> MipResult:
        """A node-limited solve of the value model from ``start`` within these column bounds."""
        return self.model.solve(
            start,
            lower=lower,
            upper=upper,
            node_limit=node_limit,
            time_limit=seconds_left(deadline),
        )

    def repair(
        self,
        x: np.ndarray,
        move: Move,
        *,
        steps: int,
        node_limit: int,
        size: int,
        seed: tuple[int, ...],
        deadline: float | None,
    ) -> tuple[np.ndarray | None, int]:
        """:meth:`.insertion.Insertion.repair` of ``move`` from plan ``x``."""
        return self.insertion.repair(
            x,
            move,
            steps=steps,
            node_limit=node_limit,
            size=size,
            rng=np.random.default_rng(seed),
            deadline=deadline,
        )


#: The worker's streams by search token (only the latest search's is kept).
_WORKER_STREAMS: dict[str, Stream] = {}


def _call(token: str, setup: tuple | None, name: str, kwargs: dict) -> object:
    """In the worker: call ``name`` on the stream of search ``token``, set up from ``setup``
    (formulation, seed) when the worker has none yet (LookupError without ``setup``)."""
    if token not in _WORKER_STREAMS:
        if setup is None:
            raise LookupError(token)
        _WORKER_STREAMS.clear()
        _WORKER_STREAMS[token] = Stream(*setup)
    return getattr(_WORKER_STREAMS[token], name)(**kwargs)


_EXECUTOR = None


def _executor():
    """The process's search worker (one process, started on first use and kept; loky starts
    it without running the caller's main module again)."""
    global _EXECUTOR
    if _EXECUTOR is None:
        from joblib.externals.loky import ProcessPoolExecutor

        _EXECUTOR = ProcessPoolExecutor(max_workers=1)
    return _EXECUTOR


@atexit.register
def _stop_worker() -> None:
    if _EXECUTOR is not None:
        _EXECUTOR.shutdown(wait=False)


class Streams:
    """The search's streams; :meth:`run` gives each one call and runs them at once where the
    worker process serves a stream.

    Parameters
    ----------
    formulation : Formulation
    seed : int
        Stream ``k`` seeds its models with ``seed + k``.
    count : int
        Number of streams.
    threads : int
        Streams that may run at once (1: every stream in this process, one after the other; 2
        or more: the second stream in the worker process).
    """

    def __init__(self, formulation: Formulation, seed: int, count: int, threads: int) -> None:
        self.local = [Stream(formulation, seed + k) for k in range(count)]
        self.remote = {1} if threads >= 2 and count >= 2 else set()
        self.setup = {k: (formulation, seed + k) for k in self.remote}
        self.token = uuid.uuid4().hex
        self.notes: list[str] = []

    def _submit(self, k: int, name: str, kwargs: dict, *, setup: bool = False):
        args = self.setup[k] if setup or k in self.setup else None
        return _executor().submit(_call, self.token, args, name, kwargs)

    def _answer(self, k: int, future, name: str, kwargs: dict) -> object:
        """The worker's answer; on a lost set-up it is sent again, on a failure the call runs
        here (the same answer: a call depends only on its arguments)."""
        try:
            try:
                answer = future.result()
            except LookupError:
                answer = self._submit(k, name, kwargs, setup=True).result()
            self.setup.pop(k, None)  # the worker holds the stream now
            return answer
        except Exception as err:  # a broken or killed worker: carry on in this process
            self.remote.discard(k)
            self.notes.append(
                f"the search worker failed ({type(err).__name__}); its stream ran in this process"
            )
            return getattr(self.local[k], name)(**kwargs)

    def run(self, calls: list[tuple[str, dict]]) -> list:
        """``calls[k]`` (method name, keyword arguments) on stream ``k``; answers in order."""
        futures = {}
        for k, (name, kwargs) in enumerate(calls):
            if k in self.remote:
                try:
                    futures[k] = self._submit(k, name, kwargs)
                except Exception:  # no worker could start: every stream runs here
                    self.remote.discard(k)
        answers: list = [None] * len(calls)
        for k, (name, kwargs) in enumerate(calls):
            if k not in futures:
                answers[k] = getattr(self.local[k], name)(**kwargs)
        for k, future in futures.items():
            answers[k] = self._answer(k, future, *calls[k])
        return answers

    def close(self) -> None:
        """Nothing to wait for: every call's answer was taken in :meth:`run`."""
