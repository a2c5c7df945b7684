"""Stage `train`: fit the ranker on the time split, judge it, log it to MLflow, register it behind the guard."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from pipelines.common import lineage, read_stage_parquet, stage_main, write_csv, write_json
from tastemaker.audio import feature_set_version
from tastemaker.config import Params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.publication import store
from tastemaker.ranking.dataset import SplitSettings, split_by_time
from tastemaker.ranking.evaluation import with_truth
from tastemaker.ranking.fraud import FraudRules, filter_quality
from tastemaker.ranking.judging import shuffle_track_audio
from tastemaker.ranking.training import train_and_register
from tastemaker.source_binding import bound_source
from tastemaker.world.truth import truth_dir_for

APPEAL_FILE = "appeal.parquet"
PLAYLIST_TRUTH_FILE = "playlists.parquet"


def read_inputs(params: Params) -> dict[str, pd.DataFrame]:
    """The validated tables and the track features: what training, scoring and publishing start from."""
    validated, features = params.paths.validated, params.paths.features
    return {
        "catalog": read_stage_parquet(validated / "catalog.parquet"),
        "playlists": read_stage_parquet(validated / "playlists.parquet"),
        "streams": read_stage_parquet(validated / "streams.parquet"),
        "features": read_stage_parquet(features / "track_features.parquet"),
    }


def truth_folder(params: Params) -> Path | None:
    """The hidden truth of the landing zone this project ingested (a demo world), or the one named."""
    if params.train.truth_dir is not None:
        return params.train.truth_dir
    source = bound_source(params.paths.state)
    if source is None or "://" in source:
        return None
    return truth_dir_for(Path(source))


def read_truth(params: Params) -> tuple[pd.DataFrame, list[str]] | None:
    """The hidden appeal of every pair and the fraudulent playlists; None for a real catalog."""
    truth = truth_folder(params)
    if truth is None or not (truth / APPEAL_FILE).is_file():
        return None
    playlists = pd.read_parquet(truth / PLAYLIST_TRUTH_FILE)
    fraudulent = (
        playlists.loc[playlists["is_fraud"], "playlist_id"].tolist() if "is_fraud" in playlists else []
    )
    return pd.read_parquet(truth / APPEAL_FILE), fraudulent


def read_model_pitches(params: Params) -> pd.DataFrame | None:
    """What the platform pitched (not control, not random): holdout placements these caused are not graded."""
    url = resolve_endpoints(params.paths.state).publication_db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return None  # nothing published yet: do not create the database from the train stage
    return store.read_model_pitches(store.connect(url))


def split_settings(params: Params) -> SplitSettings:
    train = params.train
    return SplitSettings(
        holdout_days=train.holdout_days,
        validation_days=train.validation_days,
        label_window_days=train.label_window_days,
        negatives_per_query=train.negatives_per_query,
        evaluation_queries=train.evaluation_queries,
        evaluation_playlists=train.evaluation_playlists,
        candidates_per_track=params.score.candidates_per_track,
        seed=train.seed,
        fraud_rules=FraudRules.from_params(params.score),
    )


def run(params: Params, sweep_trials: int = 0) -> dict:
    tables = read_inputs(params)
    settings = split_settings(params)
    pitches = read_model_pitches(params)
    data = split_by_time(**tables, settings=settings, model_pitches=pitches)
    shuffled = split_by_time(
        **{**tables, "features": shuffle_track_audio(tables["features"], params.train.seed)},
        settings=settings,
        model_pitches=pitches,
    )
    truth = read_truth(params)
    other_metrics = {}
    if truth is not None:
        data.evaluation = with_truth(data.evaluation, *truth)
        shuffled.evaluation = with_truth(shuffled.evaluation, *truth)
        other_metrics["fraud_filter"] = filter_quality(data.playlist_flags, set(truth[1]))
    tags = {**lineage(params).as_tags(), "feature_set_version": feature_set_version(params.features)}
    report = train_and_register(
        data,
        shuffled,
        params.train,
        tags,
        resolve_endpoints(params.paths.state),
        sweep_trials=sweep_trials,
        other_metrics=other_metrics,
    )
    out = params.paths.training
    write_json(report.metrics, out / "metrics.json")
    write_json(report.as_dict(), out / "model.json")
    for slice_name, curve in report.curves.items():
        write_csv(curve, out / "ndcg_at_k" / f"{slice_name}.csv")
    return report.as_dict()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sweep",
        type=int,
        default=0,
        metavar="N",
        help="search N hyperparameter settings (nested MLflow runs) instead of params.yaml's",
    )
    trials = parser.parse_args(argv).sweep
    stage_main(lambda params: run(params, sweep_trials=trials))


if __name__ == "__main__":
    main()
