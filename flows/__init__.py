"""Prefect flows and deployments: orchestration only (retries, schedules, artifacts, concurrency).

Each task calls a stage's `run()` from `pipelines/`, the same function `dvc repro` runs.
"""
