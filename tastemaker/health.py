"""Can this machine reach the backends the environment points at? One cheap, real check each.

`tastemaker doctor` prints these before a long run, so a wrong host, port or password shows up
as one clear line within seconds instead of as a traceback an hour into training. Every check
has a short timeout, targets are shown with passwords masked, and error messages are scrubbed
of credentials because they end up in terminals and CI logs.

Prefect is checked over plain HTTP on purpose: importing prefect here would start its settings
machinery and slow the command down, and its routes need no client.
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from tastemaker.endpoints import Endpoints, mask_password

DEFAULT_TIMEOUT_S = 5.0
MLFLOW_USERNAME = "MLFLOW_TRACKING_USERNAME"
MLFLOW_PASSWORD = "MLFLOW_TRACKING_PASSWORD"
# A read-only call that the MLflow auth app protects, unlike /health: it tells a wrong password apart.
MLFLOW_AUTHENTICATED_PROBE = "/api/2.0/mlflow/experiments/search?max_results=1"
PREFECT_AUTH_STRING = "PREFECT_API_AUTH_STRING"
PREFECT_AUTHENTICATED_PROBE = "/admin/version"  # /health and /ready answer without the auth string


@dataclass(frozen=True)
class BackendStatus:
    name: str
    target: str
    ok: bool
    message: str


class BackendProblem(Exception):
    """A backend answered, or failed to, in a way the user has to fix."""


def check_backends(endpoints: Endpoints, timeout_s: float = DEFAULT_TIMEOUT_S) -> list[BackendStatus]:
    """Check MLflow and the publication database always, Prefect and Dask only when configured."""
    checks: list[tuple[str, str | None, Callable[[str, float], str]]] = [
        ("mlflow", endpoints.mlflow_tracking_uri, check_mlflow),
        ("publications", endpoints.publication_db_url, check_database),
        ("prefect", endpoints.prefect_api_url, check_prefect),
        ("dask", endpoints.dask_scheduler_address, check_dask),
    ]
    return [run_check(name, target, check, timeout_s) for name, target, check in checks if target]


def run_check(name: str, target: str, check: Callable[[str, float], str], timeout_s: float) -> BackendStatus:
    """Run one check and turn any failure into a one-line, credential-free message.

    Any exception counts: a doctor that crashes on the very problem it should report is useless.
    """
    try:
        return BackendStatus(name, mask_password(target), True, check(target, timeout_s))
    except Exception as error:  # noqa: BLE001 - see docstring
        return BackendStatus(
            name, mask_password(target), False, one_line(error, secret=urlsplit(target).password)
        )


def one_line(error: Exception, secret: str | None) -> str:
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else type(error).__name__
    if secret:
        text = text.replace(secret, "***")
    return text[:300]


def check_mlflow(tracking_uri: str, timeout_s: float) -> str:
    """A tracking server answers /health; a local store needs a writable folder; a database URI a connection."""
    scheme = urlsplit(tracking_uri).scheme
    if scheme in ("http", "https"):
        base = tracking_uri.rstrip("/")
        http_get(f"{base}/health", timeout_s)
        return check_mlflow_credentials(base, timeout_s)
    if scheme in ("file", ""):
        store = Path(urlsplit(tracking_uri).path)
        return check_writable_folder(store if store.exists() else store.parent)
    return check_database(tracking_uri, timeout_s)


def check_mlflow_credentials(base_url: str, timeout_s: float) -> str:
    return check_credentials(
        base_url + MLFLOW_AUTHENTICATED_PROBE,
        os.environ.get(MLFLOW_USERNAME),
        os.environ.get(MLFLOW_PASSWORD),
        f"set {MLFLOW_USERNAME} and {MLFLOW_PASSWORD}",
        timeout_s,
    )


def check_prefect(api_url: str, timeout_s: float) -> str:
    """/health answers anyone; an API route tells whether the server takes our PREFECT_API_AUTH_STRING."""
    base = api_url.rstrip("/")
    http_get(f"{base}/health", timeout_s)
    username, _, password = (os.environ.get(PREFECT_AUTH_STRING) or "").partition(":")
    return check_credentials(
        base + PREFECT_AUTHENTICATED_PROBE,
        username or None,
        password,
        f"set {PREFECT_AUTH_STRING}",
        timeout_s,
    )


def check_credentials(
    probe_url: str, username: str | None, password: str | None, how_to_sign_in: str, timeout_s: float
) -> str:
    """GET a route the server protects, signed in when a username is set; a refusal names who was refused."""
    headers = {"Authorization": basic_auth_header(username, password or "")} if username else {}
    try:
        http_get(probe_url, timeout_s, headers)
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            who = f"as {username}" if username else f"without credentials ({how_to_sign_in})"
            raise BackendProblem(f"server is up but refuses requests {who}: HTTP {error.code}") from None
        raise
    return f"server up, API answers{' as ' + username if username else ''}"


def check_dask(address: str, timeout_s: float) -> str:
    """Connect a client; a scheduler with no workers would accept work and never run it, so that fails too."""
    from distributed import Client  # heavy import, only paid when a scheduler is configured

    with Client(address, timeout=timeout_s, set_as_default=False) as client:
        workers = len(client.scheduler_info()["workers"])
    if workers == 0:
        raise BackendProblem("scheduler reachable but has no workers")
    return f"scheduler up with {workers} worker{'s' if workers != 1 else ''}"


def check_database(db_url: str, timeout_s: float) -> str:
    """SQLite: the folder must be writable and an existing file must open; anything else: connect + SELECT 1."""
    url = sa.engine.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return "in-memory SQLite"
        path = Path(url.database)
        check_writable_folder(path.parent)
        if not path.exists():
            return f"folder writable; {path.name} is created on first use"
    engine = sa.create_engine(url, connect_args=connect_timeout_args(url, timeout_s))
    try:
        with engine.connect() as connection:
            # Reading the schema, not `SELECT 1`: SQLite opens any file and only finds it is
            # not a database (a truncated or overwritten file) once it reads a page of it.
            sa.inspect(connection).get_table_names()
    finally:
        engine.dispose()
    return "connected"


def connect_timeout_args(url: sa.engine.URL, timeout_s: float) -> dict:
    """Each driver spells its connection timeout differently; unknown drivers keep their own default."""
    backend = url.get_backend_name()
    if backend in ("postgresql", "mysql"):
        return {"connect_timeout": max(1, round(timeout_s))}
    if backend == "sqlite":
        return {"timeout": timeout_s}
    return {}


def check_writable_folder(folder: Path) -> str:
    if not folder.is_dir():
        raise BackendProblem(f"folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackendProblem(f"folder {folder} is not writable")
    return "folder writable"


def http_get(url: str, timeout_s: float, headers: dict[str, str] | None = None) -> None:
    """GET and require a 2xx answer; connection failures become a short 'cannot reach' message."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s):
            return
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise BackendProblem(f"cannot reach {mask_password(url)}: {reason}") from None


def basic_auth_header(username: str, password: str) -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return f"Basic {token}"
