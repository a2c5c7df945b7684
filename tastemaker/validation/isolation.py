"""Run a function over many inputs in worker processes, so that an input which crashes
native code (a decoder segfault, an abort) or hangs in it costs only its own result, never the batch."""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

# concurrent.futures.process.EXTRA_QUEUED_CALLS: calls queued beyond one per worker
QUEUED_CALLS_PER_POOL = 1


@dataclass(frozen=True)
class Crashed:
    """The worker process died while handling this input."""

    detail: str


def map_isolated(function: Callable, inputs: Sequence, workers: int, timeout_s: float | None = None) -> list:
    """`[function(x) for x in inputs]`, each result replaced by `Crashed` when its worker died
    or spent more than `timeout_s` on it.

    A dead worker breaks the whole pool and fails every unfinished input with it. Only the
    earliest of those can have been handed to a worker (the pool queues at most one call per
    worker plus one, in submission order), so only they are retried one per fresh process to
    find the one that really crashed; the rest, never started, go back to a shared pool. A
    delivery with many bad files thus costs a few processes per crash, not one per file.
    """
    results: list = [None] * len(inputs)
    pending = list(range(len(inputs)))
    while pending:
        pool_size = max(1, min(workers, len(pending)))
        lost = _run_pool(function, inputs, pending, pool_size, results, timeout_s)
        handed_out = lost[: pool_size + QUEUED_CALLS_PER_POOL]
        for index in handed_out:
            if _run_pool(function, inputs, [index], 1, results, timeout_s):
                limit = f" or ran longer than {timeout_s:g} s" if timeout_s else ""
                results[index] = Crashed(f"the decoder process died{limit}")
        pending = lost[len(handed_out) :]
    return results


def _within_deadline(function: Callable, argument, timeout_s: float | None):
    """In the worker: the kernel ends this process when the call outlives `timeout_s`, even inside
    native code that never returns to Python, so a hang becomes a crash the pool already isolates."""
    if not timeout_s:
        return function(argument)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the default action of SIGALRM: terminate
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        return function(argument)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _run_pool(function, inputs, indices, workers, results, timeout_s) -> list[int]:
    """Fill `results` for `indices`; return the indices lost to a broken pool."""
    lost = []
    context = multiprocessing.get_context("spawn")  # no fork: the parent may hold GX threads and locks
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {
            index: pool.submit(_within_deadline, function, inputs[index], timeout_s) for index in indices
        }
        for index, future in futures.items():
            try:
                results[index] = future.result()
            except BrokenProcessPool:
                lost.append(index)
    return lost
