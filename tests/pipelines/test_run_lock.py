"""The run lock is held by whatever does the work, not only by the command that started it."""

from __future__ import annotations

import pytest
from filelock import FileLock

from flows.effect import measure_effect
from flows.pipeline import daily_scoring, full_pipeline, ingest_delivery
from pipelines.common import stage_main
from tastemaker.config import load_params
from tastemaker.errors import UserError


def held_lock(params) -> FileLock:
    """The lock as another process (a running flow) would hold it: a separate open file."""
    params.paths.state.mkdir(parents=True, exist_ok=True)
    return FileLock(params.paths.state / "run.lock")


def test_a_stage_run_by_dvc_or_the_cli_refuses_to_start_beside_a_running_one(project, capsys):
    params = load_params()
    ran = []
    with held_lock(params), pytest.raises(SystemExit) as stopped:
        stage_main(lambda params: ran.append(params) or {})
    assert stopped.value.code == 1 and not ran
    assert "another run is working in this project" in capsys.readouterr().err


@pytest.mark.parametrize(
    "writing_flow",
    [ingest_delivery, daily_scoring, full_pipeline, measure_effect],
    ids=lambda flow: flow.name,
)
def test_every_writing_flow_takes_the_lock_itself(project, writing_flow):
    """The flow's own body, outside Prefect's engine: what a served or direct flow run executes."""
    with held_lock(load_params()), pytest.raises(UserError, match="another run is working"):
        writing_flow.fn()


def test_a_stage_releases_the_lock_when_it_ends(project):
    params = load_params()
    stage_main(lambda params: {})
    after = held_lock(params)
    after.acquire(timeout=0)  # raises Timeout if the stage had kept it
    assert after.is_locked
    after.release()
