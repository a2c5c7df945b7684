"""A real PostgreSQL server for the publication tests, and small publications to put in it.

The server is a throwaway cluster (initdb + pg_ctl) in a temporary folder on a free port,
started once per session. PostgreSQL refuses to run as root, so as root the cluster belongs
to the `postgres` OS user that Debian's package creates. Without the PostgreSQL binaries the
tests that need the server are skipped; any other failure to start it fails them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tastemaker.publication import store
from tests.conftest import free_port

SERVER_OS_USER = "postgres"
START_TIMEOUT_S = 60


def postgres_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or in Debian's versioned folder (newest version)."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda folder: int(folder.parent.name))
    return versions[-1] if versions else None


def as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_OS_USER, "--", *command] if os.geteuid() == 0 else command


def run_checked(command: list[str]) -> None:
    done = subprocess.run(as_server_user(command), check=False, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def postgres_url():
    """SQLAlchemy URL of the `tastemaker` database on a PostgreSQL server that lives for the session."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql)")
    # Not under pytest's tmp folder: that one is private to root and the server user must enter it.
    folder = Path(tempfile.mkdtemp(prefix="tastemaker-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, SERVER_OS_USER, SERVER_OS_USER)
    data, port = folder / "data", free_port()
    run_checked(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        ]
    )
    server_options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    run_checked(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "server.log"),
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "-o",
            server_options,
            "start",
        ]
    )
    server_url = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    try:
        run_sql(f"{server_url}/postgres", "CREATE DATABASE tastemaker")
        yield f"{server_url}/tastemaker"
    finally:
        run_checked([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_database(postgres_url):
    """A database of its own for one test, so tests that publish the same dates cannot meet."""
    server = sa.make_url(postgres_url)
    name = f"test_{uuid.uuid4().hex[:12]}"
    maintenance_url = server.set(database="postgres").render_as_string(hide_password=False)
    run_sql(maintenance_url, f"CREATE DATABASE {name}")
    yield server.set(database=name).render_as_string(hide_password=False)
    run_sql(maintenance_url, f"DROP DATABASE {name} WITH (FORCE)")


def run_sql(url: str, statement: str) -> None:
    """Run a statement outside a transaction, as CREATE/DROP DATABASE require."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def build_publication(
    run_date: dt.date, run_id: str, artist_ids: list[str], pitches_per_artist: int = 4
) -> tuple[pd.DataFrame, dict]:
    """A publication shaped like the publish stage's, its contents drawn from `run_id`.

    Two run ids give different scores, tracks, playlists and control flags, so a test can
    tell which of two publications of the same day it is looking at.
    """
    draw = random.Random(run_id)
    rows = [
        {
            "run_date": run_date,
            "run_id": run_id,
            "model_name": "tastemaker-ranker",
            "model_version": run_id[-1],
            "data_version": f"data-{run_id}",
            "artist_id": artist_id,
            "artist_name": f"Artist {artist_id.upper()}",
            "rank": rank,
            "isrc": f"QZ{draw.randrange(10**10):010d}",
            "track_title": f"Track {draw.randrange(1000)}",
            "playlist_id": f"pl{draw.randrange(10**6)}",
            "playlist_name": f"Playlist {draw.randrange(1000)}",
            "score": round(draw.uniform(-1.0, 2.0), 6),
            "expected_streams_low": draw.randrange(50),
            "expected_streams_high": 50 + draw.randrange(500),
            "reasons": json.dumps([f"reason {draw.randrange(100)}", "same genre"]),
            "is_control": draw.random() < 0.3,
            "is_explore": draw.random() < 0.1,
        }
        for artist_id in artist_ids
        for rank in range(1, pitches_per_artist + 1)
    ]
    recommendations = pd.DataFrame(rows, columns=store.RECOMMENDATION_COLUMNS)
    header = {
        "run_date": run_date,
        "run_id": run_id,
        "published_at": dt.datetime.now(dt.UTC),
        "model_name": "tastemaker-ranker",
        "model_version": run_id[-1],
        "data_version": f"data-{run_id}",
        "git_commit": "0" * 40,
        "params_hash": "0" * 32,
        "artists": len(artist_ids),
        "pitches": len(recommendations),
    }
    return recommendations, header


def published_rows(engine: sa.Engine) -> pd.DataFrame:
    """Every recommendation row in the database, in a stable order."""
    table = store.RECOMMENDATIONS
    query = sa.select(table).order_by(table.c.run_date, table.c.artist_id, table.c.rank)
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).mappings().all(), columns=store.RECOMMENDATION_COLUMNS)


@pytest.fixture
def make_publication():
    return build_publication


@pytest.fixture
def read_published():
    return published_rows
