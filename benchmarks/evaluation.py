"""Can the evaluation tell a model that listens from one that reads the genre column? Several demo worlds.

Per seed: generate the world, run ingest, validate, features and train with the default
params.yaml in a fresh project folder, and read the training run's metrics. It prints, per slice,
the truth-graded NDCG@10 of the model, every reference and ablation, the model's paired 95%
intervals against them, end to end NDCG@10 and retrieval recall, and checks the room that only
sound can fill: on cold tracks, the oracle without sound and the genre+popularity ranker must stay
at most 0.70x and 0.75x the oracle.

    python benchmarks/evaluation.py --seeds 3 [--preset demo] [--seed N ...] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

from pipelines import features, ingest, train, validate
from tastemaker.config import Params, load_params
from tastemaker.ranking.evaluation import RANKERS
from tastemaker.world import generate_world

SEEDS = (7, 1, 2, 3, 4, 5, 6, 8, 9, 10)
SLICES = ("all", "warm", "cold", "unreleased", "genre_missing", "new_artist")
ROOM = {
    "oracle_without_sound": 0.70,
    "genre_popularity": 0.75,
}  # at most this share of the oracle, cold slice


def run_world(preset: str, seed: int, folder: Path) -> dict:
    """The metrics of one training run on a freshly generated world, with the default parameters."""
    generate_world(folder / "data" / "landing", preset=preset, seed=seed)
    params = Params().model_dump(mode="json", by_alias=True)
    (folder / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    previous = Path.cwd()
    os.chdir(folder)
    try:
        loaded = load_params()
        for stage in (ingest, validate, features):
            stage.run(loaded)
        summary = train.run(loaded)
        return {"summary": summary, "metrics": json.loads(Path("data/training/metrics.json").read_text())}
    finally:
        os.chdir(previous)


def describe(seed: int, result: dict) -> list[str]:
    metrics, headline = result["metrics"], result["summary"]["headline"]
    lines = [
        (
            f"seed {seed}: {headline}, queries {metrics['queries']}, "
            f"boosting rounds {metrics['training']['boosting_rounds']:.0f}"
        )
    ]
    for slice_name in SLICES:
        values = metrics[headline][slice_name]
        if values.get("model") is None:
            continue
        intervals = metrics["interval"][headline][slice_name]
        cells = []
        for name in RANKERS:
            if values.get(name) is None:
                continue
            interval = intervals.get(f"model_minus_{name}")
            gap = (
                f" [{interval['low']:+.3f}, {interval['high']:+.3f}]"
                if interval and interval["low"] is not None
                else ""
            )
            cells.append(f"{name} {values[name]:.3f}{gap}")
        e2e = metrics[f"e2e_{headline}"][slice_name]["model"]
        recall = metrics["retrieval_recall"][slice_name]["model"]
        lines.append(
            f"  {slice_name:13s} "
            + "; ".join(cells)
            + f"; end to end {e2e:.3f}; retrieval recall {recall:.3f}"
        )
    return lines


def room_for_sound(result: dict) -> dict[str, float]:
    cold = result["metrics"][result["summary"]["headline"]]["cold"]
    return {name: cold[name] / cold["oracle"] for name in ROOM if cold.get(name) is not None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--preset", default="demo")
    parser.add_argument("--seed", type=int, action="append", help="these seeds instead (repeatable)")
    parser.add_argument("--json", type=Path, help="write every seed's metrics here")
    arguments = parser.parse_args()
    results, held = {}, True
    for seed in arguments.seed or SEEDS[: arguments.seeds]:
        started = time.perf_counter()
        # One process per world: MLflow and Prefect keep process-wide state about the store they last used.
        with (
            tempfile.TemporaryDirectory(prefix=f"evaluation-{seed}-") as folder,
            ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool,
        ):
            result = pool.submit(run_world, arguments.preset, seed, Path(folder)).result()
        results[seed] = result
        print("\n".join(describe(seed, result)), flush=True)
        ratios = room_for_sound(result)
        for name, ratio in ratios.items():
            verdict = "ok" if ratio <= ROOM[name] else "TOO HIGH"
            held &= ratio <= ROOM[name]
            print(f"  cold: {name} / oracle = {ratio:.3f} (goal <= {ROOM[name]}) {verdict}")
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2, default=str))
    print("room for sound on every seed:", "yes" if held else "no")


if __name__ == "__main__":
    main()
