"""The pipeline's Prefect flows: the same stage functions as `dvc repro`, plus orchestration.

- `full_pipeline`: ingest, validate, features, train, score, publish (`tastemaker run`; weekly retraining).
- `daily_scoring`: the same without training: today's data scored by the current champion (the
  first run on a new registry trains one).
- `ingest_delivery`: ingest and validate only, as deliveries land.

Without PREFECT_API_URL, Prefect starts a temporary local API for the run: no server is needed.
"""

from __future__ import annotations

import argparse
import logging

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows.writers import sole_writer
from pipelines import delivery, features, publish, score, train
from tastemaker.config import Params, load_params
from tastemaker.errors import as_user_error, one_line_errors


def is_transient(task, task_run, state) -> bool:
    """Retry anything but a user's mistake or a full, read-only or forbidden disk, which would
    only fail the same way again."""
    try:
        state.result()
    except Exception as error:  # noqa: BLE001 - the task's own failure, whatever it is, is being judged
        return as_user_error(error) is None
    return False


class OneLineUserErrors(logging.Filter):
    """Prefect logs every failed task and flow with its traceback; a user's error (a refused
    delivery, a full disk) needs only its one line, which the entry point prints."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and as_user_error(record.exc_info[1]) is not None:
            record.exc_info, record.exc_text = None, None
        return True


def quiet_user_error_tracebacks() -> None:
    """Put the filter on every handler Prefect logs through (console and API); idempotent."""
    names = [name for name in list(logging.root.manager.loggerDict) if name.startswith("prefect")]
    for logger in [logging.getLogger(), *map(logging.getLogger, names)]:
        for handler in logger.handlers:
            if not any(isinstance(existing, OneLineUserErrors) for existing in handler.filters):
                handler.addFilter(OneLineUserErrors())


# Object stores and databases fail transiently; validation and training are deterministic and
# would only fail the same way again, so they get no retries. Timeouts stop a hung stage.
TRANSIENT_RETRIES = {"retries": 2, "retry_delay_seconds": [10, 60], "retry_condition_fn": is_transient}
STAGE = {"cache_policy": NO_CACHE, "timeout_seconds": 3 * 3600}


@task(name="delivery", **STAGE, **TRANSIENT_RETRIES)
def delivery_task(params: Params, source: str | None) -> dict:
    """Ingest and validate as one unit: a refused delivery changes nothing already accepted."""
    return delivery.run(params, source)


@task(name="features", **STAGE)
def features_task(params: Params) -> dict:
    logger = get_run_logger()
    reported = set()

    def log_progress(done: int, total: int) -> None:
        decile = 10 * done // max(total, 1)
        if decile not in reported:
            reported.add(decile)
            logger.info("analysed %d of %d tracks", done, total)

    return features.run(params, progress=log_progress)


@task(name="train", **STAGE)
def train_task(params: Params) -> dict:
    return train.run(params)


@task(name="score", **STAGE)
def score_task(params: Params) -> dict:
    return score.run(params)


@task(name="publish", **STAGE, **TRANSIENT_RETRIES)
def publish_task(params: Params) -> dict:
    return publish.run(params)


@flow(name="tastemaker-ingest", log_prints=True)
def ingest_delivery(source: str | None = None) -> dict:
    """Take in a delivery as it lands: snapshot and validate it."""
    quiet_user_error_tracebacks()
    params = load_params()
    with sole_writer(params):
        summary = delivery_task(params, source)
    create_markdown_artifact(
        key="ingest-delivery", markdown=run_report(summary), description="Delivery intake"
    )
    return summary


@flow(name="tastemaker-daily-scoring", log_prints=True)
def daily_scoring(source: str | None = None) -> dict:
    """Today's pitches from the current champion, without retraining; on a registry that has no
    champion yet (a new tracking server), the run trains the first one."""
    params = load_params()
    summary = _locked_run(params, source, retrain=score.champion_version(params) is None)
    create_markdown_artifact(key="daily-scoring", markdown=run_report(summary), description="Daily scoring")
    return summary


@flow(name="tastemaker-full-pipeline", log_prints=True)
def full_pipeline(source: str | None = None) -> dict:
    """Everything from the landing zone to a published, explained pitch list per artist, retraining included."""
    summary = _locked_run(load_params(), source, retrain=True)
    create_markdown_artifact(
        key="full-pipeline", markdown=run_report(summary), description="Full pipeline run"
    )
    return summary


def _locked_run(params: Params, source: str | None, retrain: bool) -> dict:
    """The flow run holds the project lock itself: killing the command that started it
    leaves the lock with the running pipeline, so no second run can start beside it."""
    quiet_user_error_tracebacks()
    with sole_writer(params):
        return _score_and_publish(params, source, retrain)


def _score_and_publish(params: Params, source: str | None, retrain: bool) -> dict:
    summary = delivery_task(params, source)
    summary["features"] = features_task(params)
    if retrain:
        summary["train"] = train_task(params)
    summary["score"] = score_task(params)
    summary["publish"] = publish_task(params)
    return summary


def run_report(summary: dict) -> str:
    """A short markdown account of a flow run, from whichever stages it ran."""
    lines = ["# Tastemaker run"]
    if "ingest" in summary:
        lines.append(
            f"- data version `{summary['ingest']['data_version']}`, {summary['ingest']['copied']} files copied"
        )
    for table, counts in summary.get("validate", {}).get("counts", {}).items():
        lines.append(
            f"- {table}: {counts['accepted']} accepted, {counts['quarantined']} quarantined of {counts['rows_in']}"
        )
    if "train" in summary:
        trained = summary["train"]
        lines.append(
            f"- model `{trained['model_name']}` version {trained['model_version']}: "
            f"{trained['headline']} {trained['headline_value']:.3f}; {trained['reason']}"
        )
    if "score" in summary and summary["score"].get("failed_artists"):
        lines.append(
            f"- scoring failed for {len(summary['score']['failed_artists'])} artists: "
            f"{', '.join(summary['score']['failed_artists'][:10])}"
        )
    if "publish" in summary:
        published = summary["publish"]
        lines.append(
            f"- published {published['pitches']} pitches for {published['artists']} artists "
            f"(run date {published['run_date']}, model version {published['model_version']})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """`tastemaker run`: score and publish with the current champion, training first only when
    asked (`--retrain`) or when there is no champion yet (`daily_scoring` sees to that), so daily
    runs do not grow the registry."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", help="landing zone folder or URL (default: ingest.source in params.yaml)")
    parser.add_argument("--retrain", action="store_true", help="train and register a new model version first")
    arguments = parser.parse_args(argv)
    quiet_user_error_tracebacks()
    with one_line_errors():
        if arguments.retrain:
            full_pipeline(source=arguments.source)
        else:
            daily_scoring(source=arguments.source)


if __name__ == "__main__":
    main()
