"""Does the effect estimate cover the truth? The whole loop, for several seeds of a demo world.

Per seed: generate the world, run ingest .. score, publish twice from copies of the project
(the champion's scores, and the same candidates scored at random; the publish stage draws the
exploration arm with `--explore-share`), let the simulated curators answer for 14 days (`advance_world`), re-ingest and validate so the
new reports are visible, and measure with `pipelines.effect.run`. It prints each estimate with
its interval next to the truth (from the world's hidden pitches.parquet) and how many seeds
covered it.

    python benchmarks/effect_coverage.py --preset tiny --seeds 10
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pipelines import effect, features, ingest, publish, score, train, validate
from tastemaker.config import Params, load_params
from tastemaker.world import generate_world
from tastemaker.world.advance import advance_world
from tastemaker.world.truth import truth_dir_for

REPO = Path(__file__).resolve().parents[1]


def project_params() -> dict:
    """The defaults of the params model (always in step with the code that reads them)."""
    params = Params().model_dump(mode="json", by_alias=True)
    params["features"]["workers"] = 1
    return params


def randomize_scores(params: Params, seed: int) -> None:
    """A model that ranks at random: the same candidates, scores drawn uniformly."""
    path = params.paths.scores / "scores.parquet"
    scored = pd.read_parquet(path)
    scored["score"] = np.random.default_rng(seed).random(len(scored))
    scored.to_parquet(path, index=False)


ESTIMATES = ("lift_per_1k_followers", "lift", "promotion_effect")


def truth(landing: Path) -> dict[str, float]:
    """What each estimate targets, from the streams every pitch's placement really caused."""
    pitches = pd.read_parquet(truth_dir_for(landing) / "pitches.parquet")
    followers = pd.read_csv(landing / "playlists.csv").set_index("playlist_id")["followers"]
    pitched = pitches[pitches["pitched"]].assign(
        per_follower=lambda rows: 1000 * rows["lift_streams"] / rows["playlist_id"].map(followers)
    )
    model, random = pitched[~pitched["is_explore"].astype(bool)], pitched[pitched["is_explore"].astype(bool)]
    return {
        "lift_per_1k_followers": float(model["per_follower"].mean() - random["per_follower"].mean()),
        "lift": float(model["lift_streams"].mean() - random["lift_streams"].mean()),
        "promotion_effect": float(model["lift_streams"].mean()),
    }


def measure(folder: Path, share: float, seed: int, random_policy: bool) -> dict:
    os.chdir(folder)
    params = load_params()
    if random_policy:
        randomize_scores(params, seed)
    publish.run(params)
    advance_world(Path("data/landing"), 14, publication=params.paths.publication / "recommendations.parquet")
    ingest.run(params)
    validate.run(params)
    summary = effect.run(params)
    return {
        "estimate": {name: summary[name] for name in ESTIMATES},
        "truth": truth(Path("data/landing")),
        "cells": summary["cells"],
    }


def one_seed(preset: str, seed: int, share: float, top_k: int, workdir: Path) -> dict[str, dict]:
    champion = workdir / f"{preset}-{seed}-champion"
    generate_world(champion / "data" / "landing", preset=preset, seed=seed)
    settings = project_params()
    settings["publish"].update(explore_share=share, explore_seed=seed, top_k=top_k)
    (champion / "params.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    os.chdir(champion)
    params = load_params()
    for stage in (ingest, validate, features, train, score):
        stage.run(params)
    random = workdir / f"{preset}-{seed}-random"
    shutil.copytree(champion, random, symlinks=True)
    return {"champion": measure(champion, share, seed, False), "random": measure(random, share, seed, True)}


def covered(result: dict, name: str) -> bool:
    estimate = result["estimate"][name]
    return estimate is not None and estimate["low"] <= result["truth"][name] <= estimate["high"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="tiny", choices=["tiny", "demo"])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--explore-share", type=float, default=0.3)
    parser.add_argument("--top-k", type=int, default=10, help="pitches per artist in each publication")
    parser.add_argument("--json", type=Path, help="also write every result to this file")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the projects")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="effect-coverage-") as scratch:
        workdir = args.keep or Path(scratch)
        for seed in range(args.seeds):
            started = time.perf_counter()
            for policy, result in one_seed(
                args.preset, seed, args.explore_share, args.top_k, Path(workdir)
            ).items():
                results.append({"seed": seed, "policy": policy, **result})
                print(row_text(results[-1]), f"({time.perf_counter() - started:.0f} s)", flush=True)
        os.chdir(REPO)
    for policy in ("champion", "random"):
        mine = [result for result in results if result["policy"] == policy]
        for name in ESTIMATES:
            print(
                f"{policy:8s} {name}: interval covers truth in {sum(covered(r, name) for r in mine)}/{len(mine)} seeds;"
                f" interval above zero in {sum(_above_zero(r, name) for r in mine)}/{len(mine)};"
                f" {pooled_text(mine, name)}"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def pooled_text(results: list[dict], name: str) -> str:
    """All seeds as one experiment: the inverse-variance weighted mean, each seed's standard error read
    from its interval's width (normal approximation), against the mean truth."""
    measured = [r for r in results if r["estimate"][name] is not None]
    if not measured:
        return "pooled: n/a"
    values = np.array([r["estimate"][name]["value"] for r in measured])
    errors = np.array(
        [(r["estimate"][name]["high"] - r["estimate"][name]["low"]) / (2 * 1.96) for r in measured]
    )
    weights = 1 / errors**2
    mean, error = float(weights @ values / weights.sum()), float(weights.sum() ** -0.5)
    truth_mean = float(np.mean([r["truth"][name] for r in measured]))
    return f"pooled {mean:.1f} [{mean - 1.96 * error:.1f}, {mean + 1.96 * error:.1f}] (mean truth {truth_mean:.1f})"


def _above_zero(result: dict, name: str) -> bool:
    return result["estimate"][name] is not None and result["estimate"][name]["low"] > 0


def row_text(result: dict) -> str:
    parts = [f"seed {result['seed']} {result['policy']:8s}"]
    for name in ESTIMATES:
        estimate, true = result["estimate"][name], result["truth"][name]
        shown = (
            "n/a"
            if estimate is None
            else f"{estimate['value']:8.1f} [{estimate['low']:8.1f}, {estimate['high']:8.1f}]"
        )
        parts.append(f"{name} {shown} truth {true:8.1f} {'covered' if covered(result, name) else 'MISSED'}")
    return " | ".join(parts)


if __name__ == "__main__":
    main()
