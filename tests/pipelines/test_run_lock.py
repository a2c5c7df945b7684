"""The run lock is held by whatever does the work, not only by the command that started it."""

from __future__ import annotations

import pytest
from filelock import FileLock

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


def test_the_flow_run_itself_takes_the_lock(project):
    from flows.pipeline import _locked_run

    params = load_params()
    with held_lock(params), pytest.raises(UserError, match="another run is working"):
        _locked_run(params, None, retrain=False)


def test_a_stage_releases_the_lock_when_it_ends(project):
    params = load_params()
    stage_main(lambda params: {})
    after = held_lock(params)
    after.acquire(timeout=0)  # raises Timeout if the stage had kept it
    assert after.is_locked
    after.release()
