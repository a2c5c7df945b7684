"""The publication database across versions: an older database gains the new columns and keeps its rows."""

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from tastemaker.errors import UserError
from tastemaker.publication import store

ADDED_LATER = ("is_explore", "expected_streams_low", "expected_streams_high")


def older_database(tmp_path, dropped) -> str:
    url = f"sqlite:///{tmp_path / 'publications.db'}"
    engine = store.connect(url)
    with engine.begin() as connection:
        for column in dropped:
            connection.execute(sa.text(f"ALTER TABLE recommendations DROP COLUMN {column}"))
        row = {
            "run_date": "2026-01-01",
            "run_id": "old",
            "model_name": "m",
            "model_version": "1",
            "data_version": "d",
            "artist_id": "A1",
            "artist_name": "Artist",
            "rank": 1,
            "isrc": "GBAAA0000001",
            "track_title": "T",
            "playlist_id": "P1",
            "playlist_name": "PL",
            "score": 0.5,
            "reasons": "[]",
            "is_control": 0,
        }
        kept = [name for name in row if name not in dropped]
        connection.execute(
            sa.text(
                f"INSERT INTO recommendations ({', '.join(kept)}) "
                f"VALUES ({', '.join(':' + name for name in kept)})"
            ),
            {n: row[n] for n in kept},
        )
    return url


def test_database_of_an_older_version_is_upgraded_in_place(tmp_path):
    upgraded = store.connect(older_database(tmp_path, ADDED_LATER))
    columns = {column["name"] for column in sa.inspect(upgraded).get_columns("recommendations")}
    assert set(ADDED_LATER) <= columns
    with upgraded.connect() as connection:
        row = connection.execute(
            sa.text("SELECT run_id, is_explore, expected_streams_low FROM recommendations")
        ).one()
    assert tuple(row) == ("old", 0, None)


def test_a_required_column_that_cannot_be_added_is_a_clear_error(tmp_path):
    url = older_database(tmp_path, ("reasons",))
    with pytest.raises(UserError, match="lacks recommendations.reasons"):
        store.connect(url)


def published(tmp_path, artists: dict[str, str]) -> sa.Engine:
    """A one-day publication with one pitch for each artist id, named as given."""
    engine = store.connect(f"sqlite:///{tmp_path / 'publications.db'}")
    day = dt.date(2026, 1, 1)
    lineage = {"run_id": "r", "model_name": "m", "model_version": "1", "data_version": "d"}
    rows = [
        lineage
        | {"run_date": day, "artist_id": artist_id, "artist_name": name, "rank": 1, "isrc": f"GBAAA000000{n}"}
        | {"track_title": "T", "playlist_id": "P1", "playlist_name": "PL", "score": 0.5, "reasons": "[]"}
        | {"expected_streams_low": 1, "expected_streams_high": 2, "is_control": False, "is_explore": False}
        for n, (artist_id, name) in enumerate(artists.items())
    ]
    header = lineage | {"run_date": day, "published_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}
    header |= {"git_commit": "g", "params_hash": "h", "artists": len(rows), "pitches": len(rows)}
    store.publish(engine, header, pd.DataFrame(rows), keep_days=30)
    return engine


def test_a_name_two_artists_share_is_refused_with_their_ids(tmp_path):
    engine = published(tmp_path, {"A1": "Sam Lee", "A2": "Sam Lee", "A3": "Ada"})
    with pytest.raises(UserError, match="several artists are named 'sam lee'; use one of the ids A1, A2"):
        store.recommendation_rows(engine, "sam lee")
    assert [row["artist_id"] for row in store.recommendation_rows(engine, "A2")] == ["A2"]
    assert [row["artist_id"] for row in store.recommendation_rows(engine, "ADA")] == ["A3"]
