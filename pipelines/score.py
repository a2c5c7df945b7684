"""Stage `score`: batch-score the catalog with the registered champion, loaded by alias only."""

from __future__ import annotations

import mlflow
from mlflow import MlflowClient

from pipelines.common import stage_main, write_json, write_parquet
from pipelines.train import read_inputs
from tastemaker import tracking
from tastemaker.config import Params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.errors import UserError
from tastemaker.ranking.fraud import FraudRules, flag_playlists, suspect_ids
from tastemaker.ranking.scoring import score_catalog


def champion_version(params: Params) -> str | None:
    """The registered champion's version, None before any model was promoted."""
    tracking.use_experiment(resolve_endpoints(params.paths.state), params.train.experiment)
    return tracking.current_champion_version(MlflowClient(), params.train.model_name)


def run(params: Params) -> dict:
    model_name = params.train.model_name
    version = champion_version(params)
    if version is None:
        raise UserError(f"model '{model_name}' has no champion yet: run the train stage first")
    champion = mlflow.pyfunc.load_model(tracking.champion_uri(model_name))
    tables = read_inputs(params)
    flags = flag_playlists(tables["streams"], FraudRules.from_params(params.score))
    suspect = suspect_ids(flags)
    tables["playlists"] = tables["playlists"][
        ~tables["playlists"]["playlist_id"].isin(suspect)
    ]  # never pitched
    scored = score_catalog(
        champion,
        **tables,
        candidates_per_track=params.score.candidates_per_track,
        artists_per_batch=params.score.artists_per_batch,
        scheduler_address=resolve_endpoints(params.paths.state).dask_scheduler_address,
    )
    out = params.paths.scores
    write_parquet(scored.scores, out / "scores.parquet")
    write_parquet(scored.failures, out / "failures.parquet")
    write_parquet(flags, out / "playlist_flags.parquet")
    summary = {
        "model_name": model_name,
        "model_version": version,
        "pairs": len(scored.scores),
        "tracks": int(scored.scores["isrc"].nunique()),
        "failed_artists": scored.failures["artist_id"].tolist(),
        "suspect_playlists": sorted(suspect),
    }
    write_json(summary, out / "scoring.json")
    return summary


def main() -> None:
    stage_main(run)


if __name__ == "__main__":
    main()
