"""The daily pipeline as one Prefect flow: ingest, validate, features, train, score, publish.

Run it with `tastemaker run` (or `python -m flows.pipeline`). Without PREFECT_API_URL, Prefect
starts a temporary local API for the run, so no server is needed.
"""

from __future__ import annotations

import argparse
import sys

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from pipelines import features, ingest, publish, score, train, validate
from tastemaker.config import Params, load_params
from tastemaker.errors import UserError



def is_transient(task, task_run, state) -> bool:
    """Retry anything but a user's mistake, which would only fail the same way again."""
    try:
        state.result()
    except UserError:
        return False
    except Exception:
        return True
    return False


# Object stores and databases fail transiently; validation and training are deterministic and
# would only fail the same way again, so they get no retries.
TRANSIENT_RETRIES = {"retries": 2, "retry_delay_seconds": [10, 60], "retry_condition_fn": is_transient}


@task(name="ingest", cache_policy=NO_CACHE, **TRANSIENT_RETRIES)
def ingest_task(params: Params, source: str | None) -> dict:
    return ingest.run(params, source)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(params: Params) -> dict:
    return validate.run(params)


@task(name="features", cache_policy=NO_CACHE)
def features_task(params: Params) -> dict:
    logger = get_run_logger()
    reported = set()

    def log_progress(done: int, total: int) -> None:
        decile = 10 * done // max(total, 1)
        if decile not in reported:
            reported.add(decile)
            logger.info("analysed %d of %d tracks", done, total)

    return features.run(params, progress=log_progress)


@task(name="train", cache_policy=NO_CACHE)
def train_task(params: Params) -> dict:
    return train.run(params)


@task(name="score", cache_policy=NO_CACHE)
def score_task(params: Params) -> dict:
    return score.run(params)


@task(name="publish", cache_policy=NO_CACHE, **TRANSIENT_RETRIES)
def publish_task(params: Params) -> dict:
    return publish.run(params)


@flow(name="tastemaker-daily", log_prints=True)
def daily_pipeline(source: str | None = None) -> dict:
    """Everything from the landing zone to a published, explained pitch list per artist."""
    params = load_params()
    summary = {"ingest": ingest_task(params, source)}
    summary["validate"] = validate_task(params)
    summary["features"] = features_task(params)
    summary["train"] = train_task(params)
    summary["score"] = score_task(params)
    summary["publish"] = publish_task(params)
    create_markdown_artifact(key="daily-pipeline", markdown=run_report(summary), description="Daily pipeline run")
    return summary


def run_report(summary: dict) -> str:
    trained, published = summary["train"], summary["publish"]
    counts = summary["validate"]["counts"]
    lines = [
        "# Tastemaker daily pipeline",
        f"- data version `{summary['ingest']['data_version']}`, {summary['ingest']['copied']} files copied",
        *(f"- {table}: {c['accepted']} accepted, {c['quarantined']} quarantined of {c['rows_in']}"
          for table, c in counts.items()),
        f"- model `{trained['model_name']}` version {trained['model_version']}: "
        f"ndcg_at_10 {trained['metrics']['ndcg_at_10']:.3f}; {trained['reason']}",
        f"- published {published['pitches']} pitches for {published['artists']} artists "
        f"(run date {published['run_date']}, model version {published['model_version']})",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", help="landing zone folder or URL (default: ingest.source in params.yaml)")
    arguments = parser.parse_args(argv)
    try:
        daily_pipeline(source=arguments.source)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
