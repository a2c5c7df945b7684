"""Deployments as code, served by `tastemaker serve` (or `python -m flows.deployments`).

Schedules and their time zone come from the `schedules` section of params.yaml. Each
deployment runs at most one flow run at a time, so a slow day never piles runs on top of each
other, and all of them share one slot for writing the project (flows/writers.py). For a work
pool instead of a long-running `serve` process, see prefect.yaml.
"""

from __future__ import annotations

from datetime import timedelta

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Interval

from flows.pipeline import daily_scoring, full_pipeline, ingest_delivery
from flows.writers import ensure_writers_limit
from tastemaker.config import Params, load_params

TAGS = ["tastemaker"]


def deployments(params: Params) -> list[RunnerDeployment]:
    timing = params.schedules
    return [
        daily_scoring.to_deployment(
            name="daily-scoring",
            schedules=[Cron(timing.daily_scoring_cron, timezone=timing.timezone)],
            concurrency_limit=1,
            tags=TAGS,
        ),
        full_pipeline.to_deployment(
            name="weekly-retraining",
            schedules=[Cron(timing.weekly_retraining_cron, timezone=timing.timezone)],
            concurrency_limit=1,
            tags=TAGS,
        ),
        ingest_delivery.to_deployment(
            name="ingest-delivery",
            schedules=[Interval(timedelta(minutes=timing.ingest_every_minutes), timezone=timing.timezone)],
            concurrency_limit=1,
            tags=TAGS,
        ),
    ]


def main() -> None:
    ensure_writers_limit()
    serve(*deployments(load_params()))


if __name__ == "__main__":
    main()
