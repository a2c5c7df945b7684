"""A publisher killed mid-write (SIGKILL: no handler, no cleanup) leaves the previous publication whole.

The child process publishes the same day again with different rows and stops at a precise
point (inside the database transaction, or halfway through the day's files), says so through
a file, and waits to be killed. Both the SQLite file and a PostgreSQL server are checked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from tastemaker.config import load_params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.publication import store
from tastemaker.publication.files import write_publication_files

pytestmark = pytest.mark.slow

DAY = dt.date(2024, 5, 1)
FIRST_ARTISTS = ["ar1", "ar2", "ar3"]
SECOND_ARTISTS = ["ar2", "ar3", "ar4", "ar5"]
READY_TIMEOUT_S = 60

CHILD = textwrap.dedent("""
    import os, pickle, sys, time
    from pathlib import Path

    import sqlalchemy as sa

    from tastemaker.publication import files, store

    stop_in, db_url, out_dir, job, ready = sys.argv[1:]
    recommendations, header = pickle.loads(Path(job).read_bytes())

    def wait_to_be_killed():
        Path(ready).write_text(str(os.getpid()))
        time.sleep(600)

    if stop_in == "transaction":
        engine = store.connect(db_url)

        @sa.event.listens_for(engine, "after_cursor_execute")
        def stop_after_inserting(connection, cursor, statement, *rest):
            # By now the day's old rows are deleted and new ones inserted, none committed.
            if statement.lstrip().upper().startswith("INSERT INTO RECOMMENDATIONS"):
                wait_to_be_killed()

        store.publish(engine, header, recommendations, keep_days=30)
    else:
        render_artist_page = files.render_artist_page
        rendered = []

        def render_then_stop_at_the_second_artist(artist):
            rendered.append(artist["artist_id"])
            if len(rendered) == 2:
                wait_to_be_killed()
            return render_artist_page(artist)

        files.render_artist_page = render_then_stop_at_the_second_artist
        files.write_publication_files(recommendations, header, Path(out_dir))
""")


@pytest.fixture(params=["sqlite", "postgresql"])
def publication_target(request, project):
    """(database URL, files folder) of a project; the database is its SQLite file or a PostgreSQL one."""
    params = load_params()
    if request.param == "sqlite":
        db_url = resolve_endpoints(params.paths.state).publication_db_url
        params.paths.state.mkdir(parents=True, exist_ok=True)
    else:
        db_url = request.getfixturevalue("postgres_database")
    return db_url, project / params.paths.publication / "files"


def publish_everywhere(db_url: str, out_dir: Path, recommendations: pd.DataFrame, header: dict) -> None:
    engine = store.connect(db_url)
    try:
        store.publish(engine, header, recommendations, keep_days=30)
    finally:
        engine.dispose()
    write_publication_files(recommendations, header, out_dir)


def kill_while_publishing(stop_in: str, db_url: str, out_dir: Path, recommendations: pd.DataFrame,
                          header: dict, work: Path) -> None:
    """Run the child until it reports it reached `stop_in`, then SIGKILL it."""
    job, ready = work / "job.pickle", work / "ready"
    job.write_bytes(pickle.dumps((recommendations, header)))
    arguments = [stop_in, db_url, str(out_dir), str(job), str(ready)]
    child = subprocess.Popen([sys.executable, "-c", CHILD, *arguments],
                             cwd=Path(__file__).resolve().parents[2], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready.exists():
        if child.poll() is not None:
            pytest.fail(f"the child finished instead of stopping in the {stop_in}:\n{child.stderr.read()}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail(f"the child never reached the {stop_in}")
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def artist_documents(day: Path) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text()) for path in sorted((day / "artists").iterdir())}


def assert_files_hold(day: Path, recommendations: pd.DataFrame) -> None:
    documents = artist_documents(day)
    assert sorted(documents) == sorted(recommendations["artist_id"].unique())
    for artist_id, pitches in recommendations.groupby("artist_id"):
        assert [pitch["isrc"] for pitch in documents[artist_id]["pitches"]] == pitches["isrc"].tolist()
        assert {documents[artist_id]["lineage"]["run_id"]} == set(pitches["run_id"])
        assert (day / "html" / f"{artist_id}.html").is_file()
    index = (day / "index.html").read_text()
    assert all(f"html/{artist_id}.html" in index for artist_id in documents)


def test_killed_inside_the_transaction_the_previous_rows_remain(publication_target, make_publication,
                                                                read_published, tmp_path):
    db_url, out_dir = publication_target
    first, first_header = make_publication(DAY, "run-1", FIRST_ARTISTS)
    second, second_header = make_publication(DAY, "run-2", SECOND_ARTISTS)
    publish_everywhere(db_url, out_dir, first, first_header)

    kill_while_publishing("transaction", db_url, out_dir, second, second_header, tmp_path)

    engine = store.connect(db_url)
    try:
        pd.testing.assert_frame_equal(read_published(engine), first)
        assert store.run_dates(engine) == [DAY]
        assert store.read_recommendations(engine, "ar1")["run_id"].unique().tolist() == ["run-1"]
    finally:
        engine.dispose()


def test_killed_while_writing_files_the_previous_day_folder_remains(publication_target, make_publication,
                                                                  tmp_path):
    db_url, out_dir = publication_target
    first, first_header = make_publication(DAY, "run-1", FIRST_ARTISTS)
    second, second_header = make_publication(DAY, "run-2", SECOND_ARTISTS)
    publish_everywhere(db_url, out_dir, first, first_header)

    kill_while_publishing("files", db_url, out_dir, second, second_header, tmp_path)

    abandoned = [folder for folder in out_dir.iterdir() if folder.name.startswith(f".{DAY}")]
    assert len(abandoned) == 1 and any((abandoned[0] / "artists").iterdir()), "the kill was not mid-write"
    assert_files_hold(out_dir / DAY.isoformat(), first)

    publish_everywhere(db_url, out_dir, second, second_header)
    assert_files_hold(out_dir / DAY.isoformat(), second)
    assert sorted(folder.name for folder in out_dir.iterdir()) == [DAY.isoformat()]


def test_publishing_a_day_twice_keeps_only_the_second(publication_target, make_publication, read_published):
    db_url, out_dir = publication_target
    earlier, earlier_header = make_publication(DAY - dt.timedelta(days=1), "run-0", FIRST_ARTISTS)
    first, first_header = make_publication(DAY, "run-1", FIRST_ARTISTS)
    second, second_header = make_publication(DAY, "run-2", SECOND_ARTISTS)
    for publication in ((earlier, earlier_header), (first, first_header), (second, second_header)):
        publish_everywhere(db_url, out_dir, *publication)

    engine = store.connect(db_url)
    try:
        rows = read_published(engine)
        assert store.run_dates(engine) == [DAY, DAY - dt.timedelta(days=1)]
    finally:
        engine.dispose()
    assert not rows.duplicated(["run_date", "artist_id", "rank"]).any()
    expected = pd.concat([earlier, second], ignore_index=True)
    pd.testing.assert_frame_equal(rows, expected)
    assert_files_hold(out_dir / DAY.isoformat(), second)
    assert_files_hold(out_dir / (DAY - dt.timedelta(days=1)).isoformat(), earlier)
