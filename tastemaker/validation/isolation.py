"""Run a function over many inputs in worker processes, so that an input which crashes
native code (a decoder segfault, an abort) or hangs in it costs only its own result, never the batch."""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass


@dataclass(frozen=True)
class Crashed:
    """The worker process died while handling this input."""

    detail: str


def map_isolated(function: Callable, inputs: Sequence, workers: int, timeout_s: float | None = None) -> list:
    """`[function(x) for x in inputs]`, each result replaced by `Crashed` when its worker died
    or spent more than `timeout_s` on it.

    A dead worker breaks the whole pool and fails every unfinished input with it, so those
    are retried one per fresh process to find out which one really crashed.
    """
    results: list = [None] * len(inputs)
    if not inputs:
        return results
    unfinished = _run_pool(function, inputs, range(len(inputs)), workers, results, timeout_s)
    for index in unfinished:
        if _run_pool(function, inputs, [index], 1, results, timeout_s):
            limit = f" or ran longer than {timeout_s:g} s" if timeout_s else ""
            results[index] = Crashed(f"the decoder process died{limit}")
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
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(indices))), mp_context=context) as pool:
        futures = {index: pool.submit(_within_deadline, function, inputs[index], timeout_s) for index in indices}
        for index, future in futures.items():
            try:
                results[index] = future.result()
            except BrokenProcessPool:
                lost.append(index)
    return lost
