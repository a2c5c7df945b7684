"""Run chunks of files through the extractor: in this process, in a local process pool, or on a Dask cluster.

Workers come from a forkserver that has already imported the extractor, and each worker warms up once
(librosa's numba kernels are cached on disk, so this loads rather than compiles them). That keeps a
worker's first file about as cheap as its later ones, and is safe even when the caller runs threads
(Prefect, Dask), unlike plain fork.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from tastemaker.audio.decode import load_analysis_signal
from tastemaker.audio.deep_tags import embedding_columns, tag_columns
from tastemaker.audio.extract import analyse_signal
from tastemaker.audio.params import FeaturesParams
from tastemaker.audio.tagger import load_tagger

Job = tuple[str, str]  # (md5, absolute audio path)

# Imported once by the forkserver, so forked workers start with them loaded. librosa loads its submodules
# lazily on first use; naming them here moves that cost (seconds without cached bytecode) out of the workers.
_WORKER_PRELOAD = [
    "tastemaker.audio.parallel",
    "librosa.core.spectrum",
    "librosa.feature",
    "librosa.onset",
    "scipy.signal",
    "onnxruntime",
]


@dataclass
class ChunkResult:
    rows: list[dict] = field(default_factory=list)  # md5, features, "tag_"-prefixed tags, then deep outputs
    failures: list[tuple[str, str]] = field(default_factory=list)  # (md5, one-line error)


def analyse_chunk(jobs: Sequence[Job], params: FeaturesParams) -> ChunkResult:
    """Analyse files one after another; a file that fails is recorded and the rest carry on.

    BLAS is held to one thread: parallelism comes from running one process per core, and on a busy
    machine a second BLAS thread mostly spins, roughly doubling the CPU time of every matrix product.
    """
    result = ChunkResult()
    with threadpool_limits(limits=1):
        for md5, path in jobs:
            try:
                signal = load_analysis_signal(
                    Path(path), params.analysis_sr, params.segment_s, params.max_analysis_s
                )
                analysis = analyse_signal(signal.samples, params)
                deep = deep_outputs(signal.samples, params) if params.deep_tagger else {}
            except Exception as error:  # noqa: BLE001 - any failure of one file must not stop the batch
                result.failures.append((md5, one_line(error)))
                continue
            tags = {f"tag_{name}": value for name, value in analysis.tags.items()}
            result.rows.append({"md5": md5, **analysis.features, **tags, **deep})
    return result


def deep_outputs(samples: np.ndarray, params: FeaturesParams) -> dict[str, float]:
    """The tagger's pooled tag probabilities and embedding of the decoded signal, as named columns."""
    tagger = load_tagger(params.tagger_model)
    deep = tagger.tag(samples, params.analysis_sr, params.tagger_max_patches)
    return {
        **dict(zip(tag_columns(tagger.tags), deep.probabilities.astype(float))),
        **dict(zip(embedding_columns(len(deep.embedding)), deep.embedding.astype(float))),
    }


def warm_up(params: FeaturesParams) -> None:
    """Analyse a second of noise so lazy imports, cached numba kernels and the tagger's session are loaded
    before real work."""
    noise = np.random.default_rng(0).standard_normal(params.analysis_sr).astype(np.float32) * 0.1
    analyse_signal(noise, params)
    if params.deep_tagger:
        deep_outputs(noise, params.model_copy(update={"tagger_max_patches": 1}))


def run_chunks(
    chunks: list[list[Job]], params: FeaturesParams, scheduler_address: str | None = None
) -> Iterator[tuple[list[Job], ChunkResult]]:
    """Yield each chunk with its result as soon as it finishes, on the backend the arguments select."""
    if scheduler_address:
        yield from _run_on_dask(chunks, params, scheduler_address)
        return
    workers = min(params.workers or os.cpu_count() or 1, len(chunks))
    if workers <= 1:
        for chunk in chunks:
            yield chunk, analyse_chunk(chunk, params)
        return
    yield from _run_on_process_pool(chunks, params, workers)


def _run_on_process_pool(
    chunks: list[list[Job]], params: FeaturesParams, workers: int
) -> Iterator[tuple[list[Job], ChunkResult]]:
    """A worker that dies (e.g. a decoder crash on a corrupt file) breaks the pool; the unfinished chunks are
    then retried one file per task, so the file that kills a worker again is reported alone as a failure."""
    pending = list(chunks)
    while pending:
        retry: list[list[Job]] = []
        with local_process_pool(params, workers) as pool:
            futures = {pool.submit(analyse_chunk, chunk, params): chunk for chunk in pending}
            while futures:
                finished, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in finished:
                    chunk = futures.pop(future)
                    try:
                        yield chunk, future.result()
                    except BrokenProcessPool:
                        if len(chunk) == 1:
                            yield chunk, ChunkResult(failures=[(chunk[0][0], "the analysis process crashed")])
                        else:
                            retry += [[job] for job in chunk]
        pending = retry


def local_process_pool(params: FeaturesParams, workers: int) -> ProcessPoolExecutor:
    """Workers forked from a preloaded forkserver, each warmed up once before its first file."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_WORKER_PRELOAD)
    return ProcessPoolExecutor(workers, mp_context=context, initializer=warm_up, initargs=(params,))


def _run_on_dask(
    chunks: list[list[Job]], params: FeaturesParams, scheduler_address: str
) -> Iterator[tuple[list[Job], ChunkResult]]:
    """Each task is one chunk, analysed file by file: a task needs one file's memory, whatever its size."""
    from distributed import Client, as_completed

    with Client(scheduler_address) as client:
        client.run(warm_up, params)
        futures = client.map(analyse_chunk, chunks, params=params, pure=False)
        chunk_of = {future.key: chunk for future, chunk in zip(futures, chunks)}
        for future in as_completed(futures):
            chunk = chunk_of[future.key]
            if future.status == "finished":
                yield chunk, future.result()
            else:
                error = one_line(future.exception())
                yield chunk, ChunkResult(failures=[(md5, f"dask task failed: {error}") for md5, _ in chunk])


def one_line(error: BaseException) -> str:
    """`Type: message` on a single line, for a failures table a person can scan."""
    message = " ".join(str(error).split()) or "no message"
    return f"{type(error).__name__}: {message}"
