"""The MLflow server with its basic-auth app, as infra/docker-compose.yml runs it, refuses strangers.

The admin account comes from the environment (MLFLOW_AUTH_ADMIN_USERNAME / _PASSWORD), never
from the config file, exactly as the compose file passes it.
"""

from __future__ import annotations

import base64
import configparser
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from mlflow import MlflowClient

from tastemaker.endpoints import Endpoints
from tastemaker.health import check_backends
from tests.model.test_mlflow_server import mlflow_server

pytestmark = pytest.mark.slow

ADMIN, PASSWORD = "admin", "a-long-test-password-1"
SEARCH = "/api/2.0/mlflow/experiments/search?max_results=5"
AUTH_CONFIG = Path(__file__).resolve().parents[2] / "infra" / "mlflow" / "basic_auth.ini"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    """The committed infra/mlflow/basic_auth.ini, its user database moved into tmp."""
    folder = tmp_path_factory.mktemp("mlflow-auth")
    config = configparser.ConfigParser()
    config.read(AUTH_CONFIG)
    config["mlflow"]["database_uri"] = f"sqlite:///{folder / 'auth.db'}"
    with (folder / "basic_auth.ini").open("w") as file:
        config.write(file)
    env = {
        "MLFLOW_AUTH_CONFIG_PATH": str(folder / "basic_auth.ini"),
        "MLFLOW_AUTH_ADMIN_USERNAME": ADMIN,
        "MLFLOW_AUTH_ADMIN_PASSWORD": PASSWORD,
        "MLFLOW_FLASK_SERVER_SECRET_KEY": "test-only-csrf-key",  # the auth app refuses to start without one
    }
    with mlflow_server(folder, "--app-name", "basic-auth", env=env) as url:
        yield url, folder


def status_of(url: str, credentials: tuple[str, str] | None = None) -> int:
    request = urllib.request.Request(url)
    if credentials:
        token = base64.b64encode(":".join(credentials).encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_request_without_credentials_is_refused(auth_server):
    url, _ = auth_server
    assert status_of(url + SEARCH) == 401


def test_wrong_password_is_refused(auth_server):
    url, _ = auth_server
    assert status_of(url + SEARCH, (ADMIN, "not-the-password")) == 401


def test_admin_credentials_are_accepted(auth_server):
    url, folder = auth_server
    assert status_of(url + SEARCH, (ADMIN, PASSWORD)) == 200
    assert (folder / "auth.db").is_file()


def test_mlflow_client_authenticates_from_environment(auth_server, monkeypatch):
    url, _ = auth_server
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", ADMIN)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", PASSWORD)
    client = MlflowClient(tracking_uri=url)
    experiment_id = client.create_experiment("auth-check")
    assert client.get_experiment(experiment_id).name == "auth-check"


def test_health_check_tells_a_wrong_password_from_a_down_server(auth_server, monkeypatch, tmp_path):
    url, _ = auth_server
    endpoints = Endpoints(url, None, f"sqlite:///{tmp_path / 'p.db'}", None, None)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", ADMIN)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "not-the-password")
    refused = check_backends(endpoints, timeout_s=30)[0]  # a loaded CI machine hashes slowly
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", PASSWORD)
    accepted = check_backends(endpoints, timeout_s=30)[0]
    assert not refused.ok and "refuses requests as admin: HTTP 401" in refused.message
    assert "not-the-password" not in refused.message
    assert accepted.ok
