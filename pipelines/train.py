"""Stage `train`: fit the ranker on the time split, log it to MLflow, register it behind the guard."""

from __future__ import annotations

import argparse

import pandas as pd

from pipelines.common import lineage, read_stage_parquet, stage_main, write_json
from tastemaker.audio import feature_set_version
from tastemaker.config import Params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.ranking.dataset import split_by_time
from tastemaker.ranking.training import train_and_register

APPEAL_FILE = "appeal.parquet"


def read_inputs(params: Params) -> dict[str, pd.DataFrame]:
    """The validated tables and the track features: what training, scoring and publishing start from."""
    validated, features = params.paths.validated, params.paths.features
    return {
        "catalog": read_stage_parquet(validated / "catalog.parquet"),
        "playlists": read_stage_parquet(validated / "playlists.parquet"),
        "streams": read_stage_parquet(validated / "streams.parquet"),
        "features": read_stage_parquet(features / "track_features.parquet"),
    }


def read_appeal(params: Params) -> pd.DataFrame | None:
    """The demo world's hidden appeal, for the oracle metrics; absent for a real catalog."""
    truth = params.train.truth_dir
    if truth is None or not (truth / APPEAL_FILE).is_file():
        return None
    return pd.read_parquet(truth / APPEAL_FILE)


def run(params: Params, sweep_trials: int = 0) -> dict:
    tables = read_inputs(params)
    data = split_by_time(**tables, holdout_days=params.train.holdout_days,
                         negatives_per_query=params.train.negatives_per_query,
                         holdout_negatives_per_query=params.train.holdout_negatives_per_query,
                         seed=params.train.seed)
    tags = {**lineage(params).as_tags(), "feature_set_version": feature_set_version(params.features)}
    report = train_and_register(data, params.train, tags, resolve_endpoints(params.paths.state),
                                playlists_total=len(tables["playlists"]), appeal=read_appeal(params),
                                sweep_trials=sweep_trials)
    out = params.paths.training
    write_json(report.metrics, out / "metrics.json")
    write_json(report.as_dict(), out / "model.json")
    report.ndcg_curve.to_csv(out / "ndcg_at_k.csv", index=False)
    return report.as_dict()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sweep", type=int, default=0, metavar="N",
                        help="search N hyperparameter settings (nested MLflow runs) instead of params.yaml's")
    trials = parser.parse_args(argv).sweep
    stage_main(lambda params: run(params, sweep_trials=trials))


if __name__ == "__main__":
    main()
