"""Stage `effect`: measure what the published pitches did, once the reports after them arrived.

Reads every kept publication (from `since` on) from the publication database and the validated
streams, and writes data/effect/effect.json, the per-artist table, the HTML report under
data/reports/effect/ and an MLflow run tagged `run_type=effect`. Before any publication's window
of reports has closed there is nothing to measure yet, which is not a failure: effect.json then says
`"status": "waiting"` and why, so `dvc repro` and the scheduled runs go on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
from pathlib import Path

import mlflow
import pandas as pd
import sqlalchemy as sa

from pipelines.common import stage_main, write_json, write_parquet
from tastemaker import tracking
from tastemaker.config import Params
from tastemaker.effect.estimation import LABELS, estimate_effects
from tastemaker.effect.outcomes import pending_count, recommendation_outcomes
from tastemaker.effect.params import EffectParams
from tastemaker.effect.report import render_report
from tastemaker.endpoints import resolve_endpoints
from tastemaker.errors import UserError
from tastemaker.portal import tables as portal_tables
from tastemaker.portal.settings import portal_db_url
from tastemaker.portal.statuses import latest_statuses, really_sent
from tastemaker.publication import store


def run(params: Params, since: dt.date | None = None, settings: EffectParams | None = None) -> dict:
    settings = settings or params.effect
    recommendations = effect_input(params, since)
    streams_path = params.paths.validated / "streams.parquet"
    if not streams_path.is_file():
        raise UserError(f"no validated streams at {streams_path}: run the validate stage first")
    streams = pd.read_parquet(streams_path)
    followers = pd.read_parquet(params.paths.validated / "playlists.parquet").set_index("playlist_id")[
        "followers"
    ]
    outcomes = recommendation_outcomes(recommendations, streams, followers, settings.window_days)
    pending = pending_count(recommendations, streams, settings.window_days)
    if outcomes.empty:
        latest = pd.to_datetime(streams["date"]).max().date()
        waiting = {
            "status": "waiting",
            "window_days": settings.window_days,
            "pending": pending,
            "message": f"no publication has a full {settings.window_days}-day window of reports yet "
            f"(latest report {latest}): measure again later",
        }
        write_json(waiting, params.paths.effect / "effect.json")
        return waiting
    estimates = estimate_effects(outcomes, settings)
    summary = {"status": "measured", **estimates.summary, "pending": pending}

    report_path = params.paths.reports / "effect" / "index.html"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(render_report(summary, estimates.per_artist, estimates.acceptance_by_rank))
    write_parquet(estimates.per_artist, params.paths.effect / "per_artist.parquet")
    write_parquet(estimates.acceptance_by_rank, params.paths.effect / "acceptance_by_rank.parquet")
    summary["mlflow_run_id"] = log_to_mlflow(
        params, settings, summary, estimates.acceptance_by_rank, report_path
    )
    summary["report"] = str(report_path)
    write_json(summary, params.paths.effect / "effect.json")
    return summary


def effect_input(params: Params, since: dt.date | None) -> pd.DataFrame:
    """The kept recommendations with the statuses marked in the portal: in a publication where the
    label marked anything, only the pitches really sent (and the control) are measured."""
    recommendations = read_publications(resolve_endpoints(params.paths.state).publication_db_url, since)
    return really_sent(recommendations, latest_statuses(portal_tables.connect(portal_db_url(params))))


def read_publications(db_url: str, since: dt.date | None) -> pd.DataFrame:
    """Every kept recommendation published on or after `since`, all columns the table has."""
    engine = store.connect(db_url)
    table = sa.Table(store.RECOMMENDATIONS.name, sa.MetaData(), autoload_with=engine)
    query = sa.select(table)
    if since is not None:
        query = query.where(table.c.run_date >= since)
    with engine.connect() as connection:
        found = pd.DataFrame(connection.execute(query).mappings().all(), columns=list(table.columns.keys()))
    if found.empty:
        raise UserError(
            "nothing has been published"
            + (f" since {since.isoformat()}" if since else "")
            + ": run `tastemaker run` first"
        )
    return found


def log_to_mlflow(
    params: Params, settings: EffectParams, summary: dict, by_rank: pd.DataFrame, report: Path
) -> str:
    """One run per distinct measurement: the estimates and their bounds as metrics, the report as
    artifact. Asking again before new reports or publications arrive (`tastemaker effect`,
    `--json`) measures the same thing, so it returns the run already logged instead of another."""
    experiment_id = tracking.use_experiment(resolve_endpoints(params.paths.state), settings.experiment)
    metrics = effect_metrics(summary, by_rank)
    logged_params = {
        "window_days": settings.window_days,
        "bootstrap_samples": settings.bootstrap_samples,
        "confidence": settings.confidence,
        "seed": settings.seed,
    }
    measurement = hashlib.sha256(
        json.dumps(
            {"metrics": metrics, "params": logged_params, "run_dates": summary["run_dates"]}, sort_keys=True
        ).encode()
    ).hexdigest()[:16]
    earlier = mlflow.search_runs(
        experiment_ids=[experiment_id],
        filter_string=f"tags.measurement = '{measurement}'",
        max_results=1,
        output_format="list",
    )
    if earlier:
        return earlier[0].info.run_id
    with mlflow.start_run(experiment_id=experiment_id, run_name="effect") as run:
        mlflow.set_tags(
            {"run_type": "effect", "run_dates": ",".join(summary["run_dates"]), "measurement": measurement}
        )
        mlflow.log_params(logged_params)
        mlflow.log_metrics(metrics)
        mlflow.log_artifact(str(report), artifact_path="effect_report")
        return run.info.run_id


def effect_metrics(summary: dict, by_rank: pd.DataFrame) -> dict[str, float]:
    metrics = {"measured_recommendations": float(summary["measured"])}
    for name in LABELS:
        if summary[name] is not None:
            metrics[name] = summary[name]["value"]
            metrics[f"{name}_ci_low"] = summary[name]["low"]
            metrics[f"{name}_ci_high"] = summary[name]["high"]
    for row in by_rank.itertuples(index=False):
        metrics[f"acceptance_rate_rank_{row.rank}"] = float(row.acceptance_rate)
    return metrics


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--since", type=dt.date.fromisoformat, help="only publications from this date on")
    since = parser.parse_args(argv).since
    stage_main(lambda params: run(params, since))


if __name__ == "__main__":
    main()
