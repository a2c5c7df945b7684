"""The deployments served against a real Prefect server: trigger daily scoring, see it publish;
deployments that write the same project wait for each other, and one started beside another writer
is refused with one line."""

import json
import subprocess
import time
import urllib.request

import pytest
from filelock import FileLock
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.writers import WRITERS_LIMIT
from tests.conftest import free_port, subprocess_env

pytestmark = pytest.mark.slow

STARTUP_SECONDS = 180


def wait_until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def prefect_server(tmp_path):
    """`prefect server start` on loopback with its own home; stopped after the test."""
    port = free_port()
    env = subprocess_env(tmp_path) | {
        "PREFECT_HOME": str(tmp_path / "server-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    url = f"http://127.0.0.1:{port}/api"
    with open(tmp_path / "prefect-server.log", "w") as log:
        server = subprocess.Popen(
            ["prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(lambda: healthy(url), STARTUP_SECONDS, "the Prefect server")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=60)


def test_served_daily_scoring_runs_and_publishes(project, prefect_server):
    """On a new registry (no champion yet), the first daily run trains one; later ones do not."""
    env = subprocess_env(project) | {"PREFECT_API_URL": prefect_server}
    with open(project / "serve.log", "w") as serve_log:
        served = subprocess.Popen(
            ["tastemaker", "serve"], cwd=project, env=env, stdout=serve_log, stderr=subprocess.STDOUT
        )
    try:

        def deployment_exists() -> bool:
            listed = subprocess.run(
                ["prefect", "deployment", "ls"], env=env, capture_output=True, text=True, check=False
            )
            return "daily-scoring" in listed.stdout

        wait_until(deployment_exists, STARTUP_SECONDS, "the served deployments")
        triggered = subprocess.run(
            [
                "prefect",
                "deployment",
                "run",
                "tastemaker-daily-scoring/daily-scoring",
                "--watch",
                "--watch-timeout",
                "600",
            ],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=700,
            check=False,
        )
        assert triggered.returncode == 0, (
            triggered.stdout[-2000:] + (project / "serve.log").read_text()[-3000:]
        )
        assert "Completed" in triggered.stdout

        with temporary_settings({PREFECT_API_URL: prefect_server}), get_client(sync_client=True) as client:
            assert client.read_global_concurrency_limit_by_name(WRITERS_LIMIT).limit == 1

            with FileLock(project / ".tastemaker" / "run.lock"):  # what `tastemaker validate` holds
                refused = finished(client, start(client, "tastemaker-ingest/ingest-delivery"))
            assert refused.state.is_failed()
            assert "another run is working in this project" in refused.state.message
            assert "\n" not in refused.state.message

            together = [
                start(client, name)
                for name in ("tastemaker-daily-scoring/daily-scoring", "tastemaker-ingest/ingest-delivery")
            ]
            scoring, intake = (finished(client, run_id) for run_id in together)
            assert scoring.state.is_completed() and intake.state.is_completed(), (
                f"{scoring.state.message} / {intake.state.message}"
            )
            assert max(scoring.start_time, intake.start_time) < min(scoring.end_time, intake.end_time), (
                "the two runs did not overlap, so the test showed nothing"
            )
    finally:
        served.terminate()
        served.wait(timeout=60)
    receipt = json.loads((project / "data/publication/publication.json").read_text())
    assert receipt["pitches"] > 0
    trained = json.loads((project / "data/training/model.json").read_text())
    assert receipt["model_version"] == trained["model_version"] == "1"  # the second daily run did not train


def start(client, deployment_name: str):
    return client.create_flow_run_from_deployment(client.read_deployment_by_name(deployment_name).id).id


def finished(client, run_id, seconds: float = 600):
    latest = {}

    def final() -> bool:
        latest["run"] = client.read_flow_run(run_id)
        return latest["run"].state is not None and latest["run"].state.is_final()

    wait_until(final, seconds, f"flow run {run_id} to finish")
    return latest["run"]
