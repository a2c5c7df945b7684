"""Stage `train`: fit the ranker on the time split, log it to MLflow, register it behind the guard."""

from __future__ import annotations

import pandas as pd

from pipelines.common import lineage, stage_main, write_json
from tastemaker.config import Params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.ranking.dataset import split_by_time
from tastemaker.ranking.training import train_and_register


def read_inputs(params: Params) -> dict[str, pd.DataFrame]:
    """The validated tables and the track features: what training, scoring and publishing start from."""
    validated, features = params.paths.validated, params.paths.features
    return {
        "catalog": pd.read_parquet(validated / "catalog.parquet"),
        "playlists": pd.read_parquet(validated / "playlists.parquet"),
        "streams": pd.read_parquet(validated / "streams.parquet"),
        "features": pd.read_parquet(features / "track_features.parquet"),
    }


def run(params: Params) -> dict:
    tables = read_inputs(params)
    data = split_by_time(**tables, holdout_days=params.train.holdout_days)
    report = train_and_register(data, params.train, lineage(params), resolve_endpoints(params.paths.state))
    out = params.paths.training
    write_json(report.metrics, out / "metrics.json")
    write_json(report.as_dict(), out / "model.json")
    return report.as_dict()


def main() -> None:
    stage_main(run)


if __name__ == "__main__":
    main()
