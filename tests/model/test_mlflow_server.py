"""Training against a real MLflow tracking server process, as a team deployment runs it.

The server keeps runs in SQLite and proxies artifacts (`--serve-artifacts`), so the client
only ever talks HTTP: if anything in training still wrote to a local path, these tests see it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient

from pipelines import features, ingest, train, validate
from tastemaker.config import load_params
from tastemaker.ranking.dataset import model_input, split_by_time
from tastemaker.ranking.evaluation import ndcg_per_query, with_truth
from tests.conftest import free_port, inside, make_project

pytestmark = pytest.mark.slow

READY_TIMEOUT_S = 90


def wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    """Poll /health with a deadline; fail with the server's own log if it dies or never answers."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"mlflow server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"mlflow server not healthy after {READY_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


@contextmanager
def mlflow_server(folder: Path, *extra_args: str, env: dict[str, str] | None = None):
    """Run `mlflow server` on a free 127.0.0.1 port with its stores in `folder`; yield its URL.

    It runs in its own process group so that stopping it also stops the web workers it forks.
    """
    port = free_port()
    log = folder / "mlflow-server.log"
    command = [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--backend-store-uri",
        f"sqlite:///{folder / 'mlflow.db'}",
        "--serve-artifacts",
        "--artifacts-destination",
        str(folder / "artifacts"),
        *extra_args,
    ]
    with log.open("wb") as output:
        server = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=folder,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, log)
        yield url
    finally:
        stop_group(server)


def stop_group(server: subprocess.Popen) -> None:
    """SIGTERM the server's process group, SIGKILL it if it lingers; a group already gone is fine."""
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    server.wait()


@pytest.fixture(scope="module")
def tracking_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mlflow-server")
    with mlflow_server(folder) as url:
        yield url, folder


@pytest.fixture(scope="module")
def trained(tracking_server, tmp_path_factory, tiny_world):
    """A project trained through the server; yields (project folder, params, train summary)."""
    url, _ = tracking_server
    folder = make_project(tmp_path_factory.mktemp("server-project"), tiny_world)
    with inside(folder):
        os.environ["MLFLOW_TRACKING_URI"] = url
        try:
            params = load_params()
            for stage in (ingest, validate, features):
                stage.run(params)
            yield folder, params, train.run(params)
        finally:
            del os.environ["MLFLOW_TRACKING_URI"]


def test_model_is_registered_on_the_server_as_champion(tracking_server, trained):
    url, _ = tracking_server
    _, params, summary = trained
    champion = MlflowClient(tracking_uri=url, registry_uri=url).get_model_version_by_alias(
        params.train.model_name, "champion"
    )
    assert str(champion.version) == summary["model_version"]
    assert champion.run_id == summary["run_id"]


def test_champion_loads_back_through_the_server_and_scores_like_training(tracking_server, trained):
    """Reload by alias, re-score the evaluation set the stage built and get the headline its run logged."""
    url, _ = tracking_server
    folder, params, summary = trained
    with inside(folder):
        tables = train.read_inputs(params)
        truth = train.read_truth(params)
    data = split_by_time(**tables, settings=train.split_settings(params))
    if truth is not None:
        data.evaluation = with_truth(data.evaluation, *truth)
    mlflow.set_tracking_uri(url)
    mlflow.set_registry_uri(url)
    model = mlflow.pyfunc.load_model(f"models:/{params.train.model_name}@champion")
    scores = np.asarray(model.predict(model_input(data.evaluation)))
    assert scores.shape == (len(data.evaluation),) and np.isfinite(scores).all()
    headline = summary["headline"]
    logged = MlflowClient(tracking_uri=url).get_run(summary["run_id"]).data.metrics[f"{headline}.all.model"]
    assert ndcg_per_query(data.evaluation, scores, headline).mean() == pytest.approx(logged)


def test_nothing_is_tracked_locally_when_a_server_is_set(tracking_server, trained):
    """Artifacts go through the server's proxy into its own store, not into the project folder."""
    url, server_folder = tracking_server
    folder, params, summary = trained
    run = MlflowClient(tracking_uri=url).get_run(summary["run_id"])
    assert run.info.artifact_uri.startswith("mlflow-artifacts:")
    assert list((server_folder / "artifacts").rglob("feature_importance.csv"))
    assert list((server_folder / "artifacts").rglob("MLmodel"))
    assert not (folder / params.paths.state / "mlflow.db").exists()
    assert not (folder / params.paths.state / "mlartifacts").exists()
