"""The daily Prefect flow end to end on a tiny world, against a real (temporary) Prefect API."""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.testing.utilities import prefect_test_harness

from flows.pipeline import full_pipeline
from tastemaker.config import load_params
from tastemaker.errors import UserError
from tastemaker.validation import QuarantineThresholdExceeded
from tests.conftest import deliver_bad_report_row, make_project, subprocess_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def prefect_api():
    with prefect_test_harness(server_startup_timeout=120):
        yield


async def markdown_artifact(key: str) -> str:
    async with get_client() as client:
        artifacts = await client.read_artifacts()
    return next(artifact.data for artifact in artifacts if artifact.key == key)


async def ingest_attempts(flow_run_id) -> int:
    async with get_client() as client:
        task_runs = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return next(run.run_count for run in task_runs if run.task_key.startswith("delivery"))


def test_flow_publishes_recommendations_for_every_artist(prefect_api, project):
    state = full_pipeline(return_state=True)
    assert state.is_completed()
    summary = state.result()
    params = load_params()
    catalog = pd.read_parquet(params.paths.validated / "catalog.parquet")
    published = pd.read_parquet(params.paths.publication / "recommendations.parquet")
    assert set(published["artist_id"]) == set(catalog["artist_id"])
    assert summary["publish"]["pitches"] == len(published)
    report = asyncio.run(markdown_artifact("full-pipeline"))
    assert f"published {len(published)} pitches" in report


def test_missing_source_fails_fast_without_retries(prefect_api, project):
    state = full_pipeline(source=str(project / "no-such-folder"), return_state=True)
    assert state.is_failed()
    with pytest.raises(UserError, match="source folder not found"):
        state.result()
    assert asyncio.run(ingest_attempts(state.state_details.flow_run_id)) == 1


def test_quarantine_threshold_stops_the_flow_with_the_report_written(prefect_api, project):
    deliver_bad_report_row(project)
    state = full_pipeline(return_state=True)
    assert state.is_failed()
    with pytest.raises(QuarantineThresholdExceeded, match="streams: 1 of"):
        state.result()
    report = json.loads(load_params().paths.validation_report.read_text())  # a refused delivery's report
    assert report["tables"]["streams"]["quarantined"] == 1
    assert not (project / "data/features").exists()  # nothing ran past validation


def test_a_refused_delivery_inside_a_flow_run_is_one_line_without_tracebacks(tmp_path, tiny_world):
    project = make_project(tmp_path / "project", tiny_world)
    empty = tmp_path / "empty"
    empty.mkdir()
    completed = subprocess.run(
        [sys.executable, "-m", "flows.pipeline", "--source", str(empty)],
        cwd=project,
        env={
            **subprocess_env(project),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        },  # as `tastemaker run` sets
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    errors = [line for line in completed.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith("error: validation stopped the delivery"), output[-3000:]
