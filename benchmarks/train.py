"""Training time and peak memory of the ranker on 1,000,000 (track, playlist) rows.

Side by side in one run, each in its own process so peak memory is its own:
- LightGBM LambdaRank as the train stage fits it (`tastemaker.ranking.model.fit_ranker`),
- the scikit-learn pointwise baseline on the same features (HistGradientBoostingRegressor).

The rows are synthetic raw pair inputs with the real feature count (123 audio features on each
side, as the extractor writes them), 20,000 tracks x 50 candidate playlists, graded 0-4.

    python benchmarks/train.py [--rows 1000000] [--features 123]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time

import numpy as np
import pandas as pd

from tastemaker.config import TrainParams

CANDIDATES_PER_TRACK = 50


def synthetic_pairs(rows: int, features: int, seed: int = 0) -> pd.DataFrame:
    """Pair inputs whose grade depends on track-profile distance, like placements in the demo world."""
    rng = np.random.default_rng(seed)
    tracks = rows // CANDIDATES_PER_TRACK
    track_audio = rng.normal(size=(tracks, features)).astype(np.float32)
    profile_audio = rng.normal(size=(rows, features)).astype(np.float32)
    repeated = np.repeat(track_audio, CANDIDATES_PER_TRACK, axis=0)
    distance = np.sqrt(((repeated[:, :8] - profile_audio[:, :8]) ** 2).mean(axis=1))
    grade = np.clip(np.round(4 - 2 * distance + rng.normal(0, 0.7, rows)), 0, 4).astype(int)
    frame = pd.concat(
        [
            pd.DataFrame(repeated, columns=[f"t_f{i}" for i in range(features)]),
            pd.DataFrame(profile_audio, columns=[f"p_f{i}" for i in range(features)]),
        ],
        axis=1,
    )
    return frame.assign(
        isrc=np.repeat(np.arange(tracks), CANDIDATES_PER_TRACK).astype(str),
        playlist_id=rng.integers(0, 5000, rows).astype(str),
        t_genre=rng.choice(["pop", "rock", "house"], rows),
        p_genre=rng.choice(["pop", "rock", "house"], rows),
        t_artist_popularity=rng.exponential(5, rows),
        p_log_followers=rng.normal(8, 2, rows),
        p_history_tracks=rng.integers(1, 200, rows).astype(float),
        p_engagement=rng.uniform(0, 1, rows),
        s_affinity=rng.normal(0, 1, rows),
        s_nearest_similarity=rng.uniform(-1, 1, rows),
        s_nearest_engagement=rng.uniform(0, 1, rows),
        grade=grade,
    )


def fit_lambdarank(frame: pd.DataFrame, threads: int) -> None:
    from tastemaker.ranking.model import fit_ranker
    from tastemaker.ranking.training import HYPERPARAMETERS

    params = TrainParams()
    fit_ranker(frame, {name: getattr(params, name) for name in HYPERPARAMETERS}, seed=7, threads=threads)


def fit_sklearn(frame: pd.DataFrame, threads: int) -> None:
    from sklearn.ensemble import HistGradientBoostingRegressor
    from threadpoolctl import threadpool_limits

    from tastemaker.ranking.pair_features import FeatureScaler, model_features

    scaler = FeatureScaler.fit(frame.drop_duplicates("isrc"))
    with threadpool_limits(threads):
        HistGradientBoostingRegressor(max_iter=TrainParams().n_estimators, random_state=7).fit(
            model_features(frame, scaler), frame["grade"].to_numpy()
        )


def measure(name: str, rows: int, features: int, threads: int, results) -> None:
    frame = synthetic_pairs(rows, features)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    {"lambdarank": fit_lambdarank, "sklearn": fit_sklearn}[name](frame, threads)
    results[name] = (
        time.perf_counter() - start,
        before / 1024,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=123)
    parser.add_argument("--threads", type=int, default=TrainParams().threads, help="threads for both models")
    arguments = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    results = context.Manager().dict()
    for name in ("lambdarank", "sklearn"):
        worker = context.Process(
            target=measure, args=(name, arguments.rows, arguments.features, arguments.threads, results)
        )
        worker.start()
        worker.join()
    print(
        f"{arguments.rows:,} rows, {arguments.features} audio features per side, "
        f"{TrainParams().n_estimators} rounds, {arguments.threads} thread(s)"
    )
    print("| model | fit time (s) | peak RSS before fit (MB) | peak RSS (MB) |")
    print("|---|---:|---:|---:|")
    for name, (seconds, before, peak) in results.items():
        print(f"| {name} | {seconds:.1f} | {before:.0f} | {peak:.0f} |")
    print(f"LambdaRank / sklearn time ratio: {results['lambdarank'][0] / results['sklearn'][0]:.2f}")


if __name__ == "__main__":
    main()
