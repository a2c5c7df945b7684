"""`make up`'s servers (infra/local/up.sh) refuse strangers: no login, a foreign Host, a foreign page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

from tastemaker.health import basic_auth_header
from tests.conftest import REPO, free_port, subprocess_env

pytestmark = pytest.mark.slow

FOREIGN_ORIGIN = "https://evil.example"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Both servers as `make up` starts them, in a project folder of their own; stopped afterwards."""
    project = tmp_path_factory.mktemp("local-servers")
    shutil.copy(REPO / "params.yaml", project / "params.yaml")
    env = os.environ | {
        "MLFLOW_PORT": str(free_port()),
        "PREFECT_PORT": str(free_port()),
        "READY_TIMEOUT_S": "180",
    }
    started = subprocess.run(
        ["bash", str(REPO / "infra/local/up.sh")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        assert started.returncode == 0, started.stdout[-2000:] + started.stderr[-2000:]
        logins = dict(
            line.split("=", 1)
            for line in (project / ".tastemaker/servers/credentials.env").read_text().splitlines()
            if line
        )
        yield {
            "project": project,
            "mlflow": f"http://127.0.0.1:{env['MLFLOW_PORT']}",
            "prefect": f"http://127.0.0.1:{env['PREFECT_PORT']}/api",
            "logins": logins,
            "mlflow_login": f"{logins['MLFLOW_TRACKING_USERNAME']}:{logins['MLFLOW_TRACKING_PASSWORD']}",
            "prefect_login": logins["PREFECT_API_AUTH_STRING"],
        }
    finally:
        subprocess.run(
            ["bash", str(REPO / "infra/local/down.sh")], cwd=project, capture_output=True, check=False
        )


def request(
    url: str, method: str = "GET", body: dict | None = None, login: str | None = None, **headers
) -> int:
    """The HTTP status of one request; `login` is "user:password" for basic auth."""
    sent = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None)
    sent.add_header("Content-Type", "application/json")
    if login:
        sent.add_header("Authorization", basic_auth_header(*login.split(":", 1)))
    for name, value in headers.items():
        sent.add_header(name, value)
    try:
        with urllib.request.urlopen(sent, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def allowed_origin(url: str) -> str | None:
    """What a browser's CORS preflight from a foreign page is told it may do."""
    preflight = urllib.request.Request(url, method="OPTIONS")
    preflight.add_header("Origin", FOREIGN_ORIGIN)
    preflight.add_header("Access-Control-Request-Method", "POST")
    try:
        with urllib.request.urlopen(preflight, timeout=10) as response:
            return response.headers.get("Access-Control-Allow-Origin")
    except urllib.error.HTTPError as error:
        return error.headers.get("Access-Control-Allow-Origin")


def test_a_write_needs_the_login(servers):
    create_experiment = f"{servers['mlflow']}/api/2.0/mlflow/experiments/create"
    assert request(create_experiment, "POST", {"name": "stranger"}) == 401
    assert request(create_experiment, "POST", {"name": "owner"}, login=servers["mlflow_login"]) == 200
    create_flow = f"{servers['prefect']}/flows/"
    assert request(create_flow, "POST", {"name": "stranger"}) == 401
    assert request(create_flow, "POST", {"name": "owner"}, login=servers["prefect_login"]) == 201


def test_a_foreign_host_or_page_is_refused(servers):
    login = servers["mlflow_login"]
    search = f"{servers['mlflow']}/api/2.0/mlflow/experiments/search?max_results=1"
    assert request(search, login=login) == 200
    assert request(search, login=login, Host="evil.example") == 403  # a DNS-rebinding page's requests
    for api in (f"{servers['mlflow']}/api/2.0/mlflow/experiments/create", f"{servers['prefect']}/flows/"):
        assert allowed_origin(api) not in (FOREIGN_ORIGIN, "*")


def test_doctor_says_when_the_login_is_wrong(servers):
    project = servers["project"]
    signed_in = subprocess_env(project) | servers["logins"]
    signed_in |= {"MLFLOW_TRACKING_URI": servers["mlflow"], "PREFECT_API_URL": servers["prefect"]}

    def doctor(env: dict) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["tastemaker", "doctor"], cwd=project, env=env, capture_output=True, text=True, check=False
        )

    assert doctor(signed_in).returncode == 0
    wrong = doctor(
        signed_in | {"MLFLOW_TRACKING_PASSWORD": "wrong", "PREFECT_API_AUTH_STRING": "admin:wrong"}
    )
    assert wrong.returncode == 1
    assert " ".join(wrong.stdout.split()).count("refuses requests as admin") == 2, wrong.stdout
