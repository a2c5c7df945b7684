"""Time and peak memory of daily scoring and publishing on the `large` world (100,000 tracks x 5,000 playlists).

    python benchmarks/score.py [--world DIR] [--dask-workers 1 2] [--train-tracks 3000]

The `large` world has no audio, so the features are synthetic but full width: per track, the
world's hidden style (tempo, brightness, percussiveness, energy, acousticness, mode) is
standardised and projected by a fixed random matrix onto the 123 columns the extractor writes
(`tastemaker.audio.extract.feature_columns`), plus noise. Tracks of a similar style therefore
get similar features, as with real audio, and the scoring path runs at its real width.

A model is trained on a sample of tracks with the train stage's own time split and ranker
(not timed against the budget), then the phases a daily run performs are timed on the whole
world: scoring (retrieval + batched ranking), selecting pitches, expected-streams bands,
reasons, and publishing to a throwaway SQLite database. Each phase prints its wall time and
the peak RSS during the phase of this process and its children, the Dask workers included
(sampled every 50 ms). With `--dask-workers`, scoring also runs on a local Dask cluster of that
many single-threaded worker processes, and its scores are checked to be identical to the
in-process run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from tastemaker.audio import FeaturesParams
from tastemaker.audio.extract import feature_columns
from tastemaker.config import PublishParams, ScoreParams, TrainParams
from tastemaker.effect.exploration import explore
from tastemaker.publication import store
from tastemaker.publication.files import write_publication_files
from tastemaker.publication.similar_artists import similar_artists
from tastemaker.ranking import outcomes
from tastemaker.ranking.bands import expected_streams
from tastemaker.ranking.dataset import SplitSettings, split_by_time
from tastemaker.ranking.model import fit_ranker
from tastemaker.ranking.pitches import mark_control, select_pitches
from tastemaker.ranking.reasons import explain
from tastemaker.ranking.scoring import score_catalog
from tastemaker.ranking.training import HYPERPARAMETERS

STYLE_COLUMNS = ["tempo_bpm", "brightness", "percussiveness", "energy", "acousticness"]
FEATURE_NOISE = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--world", type=Path, help="an existing `large` world (generated there when missing)")
    parser.add_argument(
        "--dask-workers",
        type=int,
        nargs="*",
        default=[],
        metavar="N",
        help="also score on a LocalCluster of N workers (several values: one run each)",
    )
    parser.add_argument("--train-tracks", type=int, default=3000, help="tracks sampled to train the model")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="tastemaker-score-bench-"))
    world = args.world or scratch / "large"
    if not (world / "catalog.csv").is_file():
        generate_large_world(world)
    print(describe_machine())
    tables = read_landing(world)
    tables["features"] = synthetic_features(tables["catalog"], truth_tracks(world))
    print(
        f"world: {len(tables['catalog']):,} tracks, {len(tables['playlists']):,} playlists, "
        f"{len(tables['streams']):,} report rows, {tables['features'].shape[1] - 1} feature columns"
    )
    with phase("train a model on a sample (not part of the budget)"):
        model = train_on_sample(tables, args.train_tracks)
    timings, local_scores = run_daily_phases(model, tables, scratch)
    print(f"TOTAL scoring + publishing: {sum(timings.values()):.1f} s")
    for workers in args.dask_workers:
        score_on_dask(model, tables, workers, local_scores)


def generate_large_world(out: Path) -> None:
    """In a child process, so the generator's own memory peak is not counted as scoring's."""
    code = (
        f"from tastemaker.world import generate_world; generate_world({str(out)!r}, preset='large', seed=0)"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    print(f"generated the large world at {out} in {time.perf_counter() - start:.0f} s")


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    memory = psutil.virtual_memory().total / 2**30
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"machine: {cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, load average {load}"


def read_landing(world: Path) -> dict[str, pd.DataFrame]:
    catalog = pd.read_csv(world / "catalog.csv", dtype={"isrc": "string", "artist_id": "string"})
    playlists = pd.read_csv(world / "playlists.csv", dtype={"playlist_id": "string", "territory": "string"})
    reports = [
        pd.read_csv(path, engine="pyarrow", dtype={"playlist_id": "string"})
        for path in sorted((world / "streams").glob("*.csv"))
    ]
    streams = pd.concat(reports, ignore_index=True)
    streams["date"] = pd.to_datetime(streams["date"])
    return {"catalog": catalog, "playlists": playlists, "streams": streams}


def truth_tracks(world: Path) -> pd.DataFrame:
    return pd.read_parquet(world.parent / f"{world.name}_truth" / "tracks.parquet")


def synthetic_features(catalog: pd.DataFrame, truth: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Deterministic full-width features that follow each track's hidden style (see the module docstring)."""
    rng = np.random.default_rng(seed)
    styles = truth.set_index("isrc").reindex(catalog["isrc"])
    style = styles[STYLE_COLUMNS].to_numpy(dtype=float)
    style = np.column_stack([style, (styles["mode"] == "minor").to_numpy(dtype=float)])
    standardised = (style - style.mean(axis=0)) / style.std(axis=0)
    columns = feature_columns(FeaturesParams())
    projection = rng.normal(size=(standardised.shape[1], len(columns)))
    values = standardised @ projection + rng.normal(scale=FEATURE_NOISE, size=(len(catalog), len(columns)))
    features = pd.DataFrame(values, columns=columns)
    features.insert(0, "isrc", catalog["isrc"].to_numpy())
    return features


def train_on_sample(tables: dict[str, pd.DataFrame], track_count: int):
    """The train stage's split and ranker on `track_count` random tracks, wrapped to score like the champion."""
    catalog = tables["catalog"].sample(track_count, random_state=0)
    chosen = set(catalog["isrc"])
    sample = {
        "catalog": catalog,
        "playlists": tables["playlists"],
        "streams": tables["streams"][tables["streams"]["isrc"].isin(chosen)],
        "features": tables["features"][tables["features"]["isrc"].isin(chosen)],
    }
    params = TrainParams()
    settings = SplitSettings(
        holdout_days=7,
        validation_days=7,
        label_window_days=7,
        negatives_per_query=params.negatives_per_query,
        evaluation_queries=100,
        evaluation_playlists=100,
        candidates_per_track=30,
        seed=params.seed,
    )
    training = split_by_time(**sample, settings=settings).training
    hyperparameters = {name: getattr(params, name) for name in HYPERPARAMETERS}
    return Champion(fit_ranker(training, hyperparameters, seed=params.seed, threads=params.threads))


class Champion:
    """What `mlflow.pyfunc.load_model` returns, minus MLflow: `predict(raw pair inputs)`."""

    def __init__(self, ranker):
        self.ranker = ranker

    def predict(self, raw: pd.DataFrame):
        return self.ranker.predict(None, raw)


def run_daily_phases(
    model, tables: dict[str, pd.DataFrame], scratch: Path
) -> tuple[dict[str, float], pd.DataFrame]:
    timings: dict[str, float] = {}
    rules = PublishParams()
    with phase("score: retrieval + ranking", timings):
        scored = score_catalog(
            model,
            **tables,
            candidates_per_track=ScoreParams().candidates_per_track,
            artists_per_batch=ScoreParams().artists_per_batch,
        )
    print(f"  {len(scored.scores):,} scored pairs, {len(scored.failures)} failed artists")
    with phase("select pitches", timings):
        pitches = select_pitches(scored.scores, rules)
    with phase("exploration slots", timings):
        pitches = explore(
            pitches,
            scored.scores,
            rules.explore_share,
            rules.explore_seed,
            "2026-06-30",
            rules.max_pitches_per_playlist,
            rules.max_pitches_per_track,
        )
    print(f"  {len(pitches):,} pitches for {pitches['artist_id'].nunique():,} artists")
    with phase("expected-streams bands", timings):
        pitches = pitches.join(expected_streams(pitches, tables["streams"], tables["playlists"]))
    with phase("reasons", timings):
        placed = outcomes.placements(tables["streams"], tables["playlists"])
        no_tags = pd.DataFrame(columns=["isrc", "bpm", "mode"])  # a world without audio has no auto-tags
        pitches["reasons"] = explain(
            pitches, tables["catalog"], tables["playlists"], placed, tables["features"], no_tags
        )
    with phase("similar artists", timings):
        similar_artists(
            tables["features"], tables["catalog"], placed, rules.similar_artists_k, rules.co_listening_weight
        )
    with phase("publish to SQLite", timings):
        recommendations, header = publish_to_sqlite(pitches, tables, scratch / "publications.db")
    with phase("publication files (JSON + HTML per artist)", timings):
        write_publication_files(recommendations, header, scratch / "files")
    return timings, scored.scores


def publish_to_sqlite(
    pitches: pd.DataFrame, tables: dict[str, pd.DataFrame], path: Path
) -> tuple[pd.DataFrame, dict]:
    """As the publish stage does it: control flags, names, lineage columns, one transaction."""
    run_date = dt.date(2026, 6, 30)
    catalog, playlists = tables["catalog"], tables["playlists"]
    pitches = pitches.assign(is_control=mark_control(pitches, 0.2, 7, run_date.isoformat()))
    recommendations = pitches.merge(
        catalog[["isrc", "title", "artist_name"]].rename(columns={"title": "track_title"}), on="isrc"
    ).merge(playlists[["playlist_id", "name"]].rename(columns={"name": "playlist_name"}), on="playlist_id")
    recommendations = recommendations.assign(
        run_date=run_date,
        run_id="benchmark",
        model_name="benchmark",
        model_version="1",
        data_version="benchmark",
    )
    header = {
        "run_date": run_date,
        "run_id": "benchmark",
        "published_at": dt.datetime.now(dt.UTC),
        "model_name": "benchmark",
        "model_version": "1",
        "data_version": "benchmark",
        "git_commit": "0" * 40,
        "params_hash": "0" * 12,
        "artists": int(recommendations["artist_id"].nunique()),
        "pitches": len(recommendations),
    }
    store.publish(store.connect(f"sqlite:///{path}"), header, recommendations, keep_days=30)
    return recommendations, header


def score_on_dask(model, tables: dict[str, pd.DataFrame], workers: int, local_scores: pd.DataFrame) -> None:
    from distributed import LocalCluster

    params = ScoreParams()
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        phase(f"score on Dask, {workers} worker(s)"),
    ):
        remote = score_catalog(
            model,
            **tables,
            candidates_per_track=params.candidates_per_track,
            artists_per_batch=params.artists_per_batch,
            scheduler_address=cluster.scheduler_address,
        )
    identical = local_scores.equals(remote.scores)
    print(f"  identical to the in-process scores: {identical}")


@contextmanager
def phase(name: str, timings: dict[str, float] | None = None):
    """Print wall time and the peak RSS of this process plus its children (Dask workers) while the block runs."""
    peak = [resident_bytes()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], resident_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        if timings is not None:
            timings[name] = elapsed
        print(f"{name}: {elapsed:.1f} s, peak RSS {peak[0] / 2**30:.2f} GiB", flush=True)


def resident_bytes() -> int:
    process = psutil.Process()
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


if __name__ == "__main__":
    main()
