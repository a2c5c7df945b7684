"""Run a function over many inputs in worker processes, so that an input which crashes
native code (a decoder segfault, an abort) costs only its own result, never the batch."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass


@dataclass(frozen=True)
class Crashed:
    """The worker process died while handling this input."""

    detail: str


def map_isolated(function: Callable, inputs: Sequence, workers: int) -> list:
    """`[function(x) for x in inputs]`, each result replaced by `Crashed` when its worker died.

    A dead worker breaks the whole pool and fails every unfinished input with it, so those
    are retried one per fresh process to find out which one really crashed.
    """
    results: list = [None] * len(inputs)
    if not inputs:
        return results
    unfinished = _run_pool(function, inputs, range(len(inputs)), workers, results)
    for index in unfinished:
        if _run_pool(function, inputs, [index], 1, results):
            results[index] = Crashed("the decoder process died")
    return results


def _run_pool(function, inputs, indices, workers, results) -> list[int]:
    """Fill `results` for `indices`; return the indices lost to a broken pool."""
    lost = []
    context = multiprocessing.get_context("spawn")  # no fork: the parent may hold GX threads and locks
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(indices))), mp_context=context) as pool:
        futures = {index: pool.submit(function, inputs[index]) for index in indices}
        for index, future in futures.items():
            try:
                results[index] = future.result()
            except BrokenProcessPool:
                lost.append(index)
    return lost
