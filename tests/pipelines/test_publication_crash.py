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
from tastemaker.publication.commit import publish_everywhere

pytestmark = pytest.mark.slow

DAY = dt.date(2024, 5, 1)
FIRST_ARTISTS = ["ar1", "ar2", "ar3"]
SECOND_ARTISTS = ["ar2", "ar3", "ar4", "ar5"]
READY_TIMEOUT_S = 60

CHILD = textwrap.dedent("""
    import os, pickle, sys, time
    from pathlib import Path

    import sqlalchemy as sa

    from tastemaker.publication import commit, files, store

    stop_in, db_url, out_dir, journal, job, ready = sys.argv[1:]
    recommendations, header = pickle.loads(Path(job).read_bytes())
    engine = store.connect(db_url)

    def wait_to_be_killed(*ignored, **also_ignored):
        Path(ready).write_text(str(os.getpid()))
        time.sleep(600)

    if stop_in == "transaction":
        @sa.event.listens_for(engine, "after_cursor_execute")
        def stop_after_inserting(connection, cursor, statement, *rest):
            # By now the day's old rows are deleted and new ones inserted, none committed.
            if statement.lstrip().upper().startswith("INSERT INTO RECOMMENDATIONS"):
                wait_to_be_killed()
    elif stop_in == "files":
        render_artist_page = files.render_artist_page
        rendered = []

        def render_then_stop_at_the_second_artist(artist):
            rendered.append(artist["artist_id"])
            if len(rendered) == 2:
                wait_to_be_killed()
            return render_artist_page(artist)

        files.render_artist_page = render_then_stop_at_the_second_artist
    elif stop_in == "renames":  # the transaction committed, the files not yet moved in
        commit.roll_forward = wait_to_be_killed
    commit.publish_everywhere(engine, Path(out_dir), Path(journal), header, recommendations,
                              recommendations.iloc[:0].reindex(columns=store.SIMILAR_ARTIST_COLUMNS),
                              keep_days=30, receipt_extra={})
""")


@pytest.fixture(params=["sqlite", "postgresql"])
def publication_target(request, project):
    """(database URL, publication folder) of a project; the database is its SQLite file or a PostgreSQL one."""
    params = load_params()
    if request.param == "sqlite":
        db_url = resolve_endpoints(params.paths.state).publication_db_url
        params.paths.state.mkdir(parents=True, exist_ok=True)
    else:
        db_url = request.getfixturevalue("postgres_database")
    return db_url, project / params.paths.publication


def journal_of(out_dir: Path) -> Path:
    return out_dir.parent / "publication-commit.json"


def publish_all(db_url: str, out_dir: Path, recommendations: pd.DataFrame, header: dict) -> None:
    engine = store.connect(db_url)
    try:
        publish_everywhere(
            engine,
            out_dir,
            journal_of(out_dir),
            header,
            recommendations,
            recommendations.iloc[:0].reindex(columns=store.SIMILAR_ARTIST_COLUMNS),
            keep_days=30,
            receipt_extra={},
        )
    finally:
        engine.dispose()


def kill_while_publishing(
    stop_in: str, db_url: str, out_dir: Path, recommendations: pd.DataFrame, header: dict, work: Path
) -> None:
    """Run the child until it reports it reached `stop_in`, then SIGKILL it."""
    job, ready = work / "job.pickle", work / "ready"
    job.write_bytes(pickle.dumps((recommendations, header)))
    arguments = [stop_in, db_url, str(out_dir), str(journal_of(out_dir)), str(job), str(ready)]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *arguments],
        cwd=Path(__file__).resolve().parents[2],
        stderr=subprocess.PIPE,
        text=True,
    )
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


def assert_everywhere(db_url: str, out_dir: Path, expected: pd.DataFrame, read_published) -> None:
    """Database, Parquet, day folder and receipt all hold the publication `expected`."""
    engine = store.connect(db_url)
    try:
        pd.testing.assert_frame_equal(read_published(engine), expected)
    finally:
        engine.dispose()
    parquet = pd.read_parquet(out_dir / "recommendations.parquet")
    assert parquet["run_id"].unique().tolist() == expected["run_id"].unique().tolist()
    assert sorted(parquet["artist_id"].unique()) == sorted(expected["artist_id"].unique())
    receipt = json.loads((out_dir / "publication.json").read_text())
    assert receipt["run_id"] == expected["run_id"].iloc[0] and receipt["pitches"] == len(expected)
    assert_files_hold(out_dir / "files" / DAY.isoformat(), expected)


@pytest.mark.parametrize("stop_in", ["transaction", "files", "renames"])
def test_killed_at_any_step_every_store_holds_one_and_the_same_publication(
    stop_in, publication_target, make_publication, read_published, tmp_path
):
    db_url, out_dir = publication_target
    first, first_header = make_publication(DAY, "run-1", FIRST_ARTISTS)
    second, second_header = make_publication(DAY, "run-2", SECOND_ARTISTS)
    third, third_header = make_publication(DAY + dt.timedelta(days=1), "run-3", FIRST_ARTISTS)
    publish_all(db_url, out_dir, first, first_header)

    kill_while_publishing(stop_in, db_url, out_dir, second, second_header, tmp_path)

    survivor = second if stop_in == "renames" else first  # committed or not: the database decided
    engine = store.connect(db_url)
    try:
        pd.testing.assert_frame_equal(read_published(engine), survivor)
    finally:
        engine.dispose()
    publish_all(db_url, out_dir, third, third_header)  # the next run settles the interrupted one first
    previous_day = pd.read_parquet(out_dir / "recommendations.parquet")
    assert previous_day["run_id"].unique().tolist() == ["run-3"]
    assert_files_hold(out_dir / "files" / DAY.isoformat(), survivor)
    assert not [path for path in out_dir.rglob(".staged.*")]


@pytest.mark.parametrize("stop_in", ["transaction", "files", "renames"])
def test_the_interrupted_publication_is_settled_before_anything_else(
    stop_in, publication_target, make_publication, read_published, tmp_path
):
    db_url, out_dir = publication_target
    first, first_header = make_publication(DAY, "run-1", FIRST_ARTISTS)
    second, second_header = make_publication(DAY, "run-2", SECOND_ARTISTS)
    publish_all(db_url, out_dir, first, first_header)
    kill_while_publishing(stop_in, db_url, out_dir, second, second_header, tmp_path)

    engine = store.connect(db_url)
    try:
        from tastemaker.publication.commit import settle

        settle(engine, journal_of(out_dir))
    finally:
        engine.dispose()
    assert_everywhere(db_url, out_dir, second if stop_in == "renames" else first, read_published)


def test_publishing_a_day_twice_keeps_only_the_second(publication_target, make_publication, read_published):
    db_url, out_dir = publication_target
    earlier, earlier_header = make_publication(DAY - dt.timedelta(days=1), "run-0", FIRST_ARTISTS)
    first, first_header = make_publication(DAY, "run-1", FIRST_ARTISTS)
    second, second_header = make_publication(DAY, "run-2", SECOND_ARTISTS)
    for publication in ((earlier, earlier_header), (first, first_header), (second, second_header)):
        publish_all(db_url, out_dir, *publication)

    engine = store.connect(db_url)
    try:
        rows = read_published(engine)
        assert store.run_dates(engine) == [DAY, DAY - dt.timedelta(days=1)]
    finally:
        engine.dispose()
    assert not rows.duplicated(["run_date", "artist_id", "rank"]).any()
    expected = pd.concat([earlier, second], ignore_index=True)
    pd.testing.assert_frame_equal(rows, expected)
    assert_everywhere_files = out_dir / "files"
    assert_files_hold(assert_everywhere_files / DAY.isoformat(), second)
    assert_files_hold(assert_everywhere_files / (DAY - dt.timedelta(days=1)).isoformat(), earlier)


def test_a_failure_before_the_commit_point_changes_no_store(
    publication_target, make_publication, read_published, monkeypatch
):
    """A full disk while writing the day folder, or an id the database refuses."""
    db_url, out_dir = publication_target
    first, first_header = make_publication(DAY, "run-1", FIRST_ARTISTS)
    second, second_header = make_publication(DAY, "run-2", SECOND_ARTISTS)
    publish_all(db_url, out_dir, first, first_header)
    from tastemaker.publication import files

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "render_index", disk_full)
    with pytest.raises(OSError):
        publish_all(db_url, out_dir, second, second_header)
    assert_everywhere(db_url, out_dir, first, read_published)
    assert not list(out_dir.rglob(".staged.*"))
