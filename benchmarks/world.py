"""Time each world preset, or check that sound matters in the demo world.

    python benchmarks/world.py [preset ...]      wall time, CPU time and peak RSS per preset
    python benchmarks/world.py --check SEED ...  what genre and a deaf oracle can rank (docs/world.md)

Each timed preset runs in a fresh child process, so its peak RSS (ru_maxrss of the finished
children: the generator plus its audio workers) is not mixed up with the others.
"""

from __future__ import annotations

import hashlib
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

GENERATE = (
    "import sys; from tastemaker.world import generate_world; generate_world(sys.argv[1], sys.argv[2], 0)"
)
HOLDOUT_DAYS = 30
NEIGHBOURS = 5


def benchmark(preset: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB of the largest process so far).

    CPU seconds tell what the wall time would be on idle cores when the machine is shared.
    ru_maxrss of children is a running maximum, so run the largest preset last (or alone).
    """
    cpu_before = _children_cpu()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", GENERATE, str(Path(folder) / "world"), preset], check=True)
        seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, _children_cpu() - cpu_before, peak_kib / 1024


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ndcg_at_10(gains_in_ranked_order: np.ndarray, gains: np.ndarray) -> float:
    """Linear gain, log2 discount, normalised by the best order of the same gains."""
    discount = 1 / np.log2(np.arange(2, 12))
    ranked = gains_in_ranked_order[:10]
    ideal = np.sort(gains)[::-1][:10]
    return float((ranked * discount[: len(ranked)]).sum() / (ideal * discount[: len(ideal)]).sum())


def check(seed: int, folder: Path) -> dict[str, float]:
    """Truth-NDCG@10 on cold queries of the deaf oracle and of genre+followers, and kNN sub-style share."""
    from tastemaker.world import generate_world
    from tastemaker.world.presets import WORLD_TODAY

    summary = generate_world(folder / "landing", preset="demo", seed=seed)
    tracks = pd.read_parquet(summary.truth / "tracks.parquet").set_index("isrc")
    placements = pd.read_parquet(summary.truth / "placements.parquet")
    listed = pd.read_csv(summary.landing / "playlists.csv", keep_default_na=False).set_index("playlist_id")
    pairs = pd.read_parquet(summary.truth / "appeal.parquet")
    pairs = pairs[pairs["playlist_id"].isin(listed.index)]
    cut = pd.Timestamp(WORLD_TODAY) - pd.Timedelta(days=HOLDOUT_DAYS - 1)
    warm = set(placements.loc[placements["start"] < cut, "isrc"])
    deaf, genre_and_followers = [], []
    for isrc, query in pairs.groupby("isrc", sort=True):
        gains = np.maximum(0, query["appeal"].to_numpy() - 0.5) / 0.5
        if isrc in warm or gains.max() <= 0:
            continue
        playlist = listed.loc[query["playlist_id"]]
        delivered = tracks.at[isrc, "catalog_genre"]
        match = ((playlist["genre"].to_numpy() == delivered) & (delivered != "")).astype(float)
        by_genre = np.lexsort((-playlist["followers"].to_numpy(), -match))
        by_deaf_oracle = np.argsort(-query["appeal_without_sound"].to_numpy(), kind="stable")
        deaf.append(ndcg_at_10(gains[by_deaf_oracle], gains))
        genre_and_followers.append(ndcg_at_10(gains[by_genre], gains))
    same, chance = substyle_neighbours(summary.landing, tracks, folder / "cache")
    return {
        "cold_queries": len(deaf),
        "ndcg_appeal_without_sound": float(np.mean(deaf)),
        "ndcg_genre_then_followers": float(np.mean(genre_and_followers)),
        "knn_same_substyle": same,
        "knn_same_substyle_chance": chance,
    }


def substyle_neighbours(landing: Path, tracks: pd.DataFrame, cache: Path) -> tuple[float, float]:
    """(share of each track's nearest tracks by audio features that share its sub-style, chance)."""
    from tastemaker.audio import FeaturesParams, extract_features

    catalog = pd.read_csv(landing / "catalog.csv", keep_default_na=False)
    paths = [landing / "audio" / relative for relative in catalog["audio_file"]]
    files = pd.DataFrame(
        {
            "isrc": catalog["isrc"],
            "path": [str(p) for p in paths],
            "md5": [hashlib.md5(p.read_bytes()).hexdigest() for p in paths],
        }
    )
    features = extract_features(files, FeaturesParams(), cache).features.set_index("isrc")
    values = features.select_dtypes("number").to_numpy(dtype=float)
    values = (values - values.mean(axis=0)) / (values.std(axis=0) + 1e-9)
    substyle = tracks.loc[features.index, "substyle"].to_numpy()
    distance = ((values[:, None, :] - values[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(distance, np.inf)
    nearest = np.argsort(distance, axis=1)[:, :NEIGHBOURS]
    shares = pd.Series(substyle).value_counts(normalize=True).to_numpy()
    return float(np.mean(substyle[nearest] == substyle[:, None])), float((shares**2).sum())


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--check"]:
        for seed in [int(s) for s in arguments[1:]] or [7, 1, 2]:
            with tempfile.TemporaryDirectory() as folder:
                figures = check(seed, Path(folder))
            print(f"seed {seed}: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()), flush=True)
        return
    for preset in arguments or ["tiny", "demo", "large"]:
        seconds, cpu_seconds, peak_mib = benchmark(preset)
        print(
            f"{preset:6s} {seconds:7.1f} s wall  {cpu_seconds:7.1f} s CPU  peak RSS {peak_mib:7.0f} MiB",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
