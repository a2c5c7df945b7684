"""`check_backends` against real local things: SQLite files, closed ports, a tiny HTTP server, Dask."""

import socket
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from distributed import LocalCluster

from tastemaker.endpoints import Endpoints
from tastemaker.health import check_backends


def endpoints(tmp_path, **overrides) -> Endpoints:
    settings = {
        "mlflow_tracking_uri": f"sqlite:///{tmp_path / 'mlflow.db'}",
        "mlflow_artifact_root": None,
        "publication_db_url": f"sqlite:///{tmp_path / 'publications.db'}",
        "prefect_api_url": None,
        "dask_scheduler_address": None,
    }
    return Endpoints(**{**settings, **overrides})


def by_name(statuses) -> dict:
    return {status.name: status for status in statuses}


def closed_port() -> int:
    """A port nothing listens on: bound once by the OS to find it free, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1 whose /health and API answer with the status the test sets."""
    answer = {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(
                answer["status"] if self.path in ("/api/health", "/api/admin/version") else 404
            )
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api", answer
    server.shutdown()
    server.server_close()


def test_only_configured_backends_are_checked(tmp_path):
    assert [status.name for status in check_backends(endpoints(tmp_path))] == ["mlflow", "publications"]


def test_existing_sqlite_database_answers(tmp_path):
    sqlite3.connect(tmp_path / "publications.db").execute("CREATE TABLE t (x)").connection.close()
    status = by_name(check_backends(endpoints(tmp_path)))["publications"]
    assert status.ok and status.message == "connected"


def test_missing_sqlite_file_in_writable_folder_is_fine_and_not_created(tmp_path):
    status = by_name(check_backends(endpoints(tmp_path)))["mlflow"]
    assert status.ok
    assert not (tmp_path / "mlflow.db").exists()


def test_sqlite_in_missing_folder_is_reported_by_folder(tmp_path):
    missing = tmp_path / "nowhere"
    status = by_name(check_backends(endpoints(tmp_path, publication_db_url=f"sqlite:///{missing / 'p.db'}")))[
        "publications"
    ]
    assert not status.ok
    assert status.message == f"folder {missing} does not exist"


def test_unreachable_tracking_server_is_one_clear_line(tmp_path):
    port = closed_port()
    status = by_name(check_backends(endpoints(tmp_path, mlflow_tracking_uri=f"http://127.0.0.1:{port}")))[
        "mlflow"
    ]
    assert not status.ok
    assert status.message.startswith(f"cannot reach http://127.0.0.1:{port}/health")
    assert "\n" not in status.message and "Traceback" not in status.message


def test_database_password_never_shows(tmp_path):
    url = f"postgresql+psycopg://tastemaker:s3cret-pw@127.0.0.1:{closed_port()}/tastemaker"
    status = by_name(check_backends(endpoints(tmp_path, publication_db_url=url), timeout_s=2))["publications"]
    assert not status.ok
    assert "s3cret-pw" not in status.target + status.message
    assert "***" in status.target


def test_prefect_health_follows_the_server_answer(tmp_path, http_server):
    api_url, answer = http_server
    configured = endpoints(tmp_path, prefect_api_url=api_url)
    assert by_name(check_backends(configured))["prefect"].ok
    answer["status"] = 503
    status = by_name(check_backends(configured))["prefect"]
    assert not status.ok and "503" in status.message


def test_dask_scheduler_counts_its_workers(tmp_path):
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        status = by_name(
            check_backends(endpoints(tmp_path, dask_scheduler_address=cluster.scheduler_address))
        )["dask"]
    assert status.ok and status.message == "scheduler up with 1 worker"


def test_dask_scheduler_without_workers_is_not_ok(tmp_path):
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster:
        status = by_name(
            check_backends(endpoints(tmp_path, dask_scheduler_address=cluster.scheduler_address))
        )["dask"]
    assert not status.ok and status.message == "scheduler reachable but has no workers"


def test_unreachable_dask_scheduler_fails_within_the_timeout(tmp_path):
    address = f"tcp://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    status = by_name(check_backends(endpoints(tmp_path, dask_scheduler_address=address), timeout_s=1))["dask"]
    assert time.monotonic() - started < 10
    assert not status.ok and "\n" not in status.message


@pytest.mark.parametrize("store", ["mlflow", "publications"])
def test_a_garbage_sqlite_file_is_not_ok(tmp_path, store):
    (tmp_path / f"{store}.db").write_bytes(b"this is not a database, whatever its name says" * 100)
    status = by_name(check_backends(endpoints(tmp_path)))[store]
    assert not status.ok and "not a database" in status.message
