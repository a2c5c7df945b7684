"""Publishing to a real PostgreSQL server reads back exactly what SQLite reads back.

Teams deploy with PostgreSQL while the demo and most tests use SQLite; a type the two
dialects store differently (dates, booleans, floats) would only show up here.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import pandas as pd
import pytest

from pipelines import features, ingest, publish, score, train, validate
from tastemaker.config import load_params
from tastemaker.endpoints import TASTEMAKER_DB_URL
from tastemaker.publication import store
from tests.conftest import inside, make_project

DAY = dt.date(2024, 5, 1)
ARTISTS = ["ar1", "ar2", "ar3"]


def test_postgresql_and_sqlite_read_back_the_same_frames(postgres_database, make_publication, tmp_path):
    recommendations, header = make_publication(DAY, "run-1", ARTISTS)
    engines = {
        "sqlite": store.connect(f"sqlite:///{tmp_path / 'publications.db'}"),
        "postgresql": store.connect(postgres_database),
    }
    try:
        for engine in engines.values():
            store.publish(engine, header, recommendations, keep_days=30)
        for artist_id, expected in recommendations.groupby("artist_id"):
            # By id and by name, as `tastemaker recs` looks artists up.
            for lookup in (artist_id, expected["artist_name"].iloc[0].lower()):
                read = {name: store.read_recommendations(engine, lookup) for name, engine in engines.items()}
                pd.testing.assert_frame_equal(read["postgresql"], read["sqlite"])
                pd.testing.assert_frame_equal(read["postgresql"], expected.reset_index(drop=True))
        assert {name: store.run_dates(engine) for name, engine in engines.items()} == {
            "sqlite": [DAY],
            "postgresql": [DAY],
        }
    finally:
        for engine in engines.values():
            engine.dispose()


def test_read_back_types_are_plain_python_and_numpy_ones(postgres_database, make_publication):
    recommendations, header = make_publication(DAY, "run-1", ARTISTS)
    engine = store.connect(postgres_database)
    try:
        store.publish(engine, header, recommendations, keep_days=30)
        read = store.read_recommendations(engine, "ar2")
    finally:
        engine.dispose()
    assert {type(value) for value in read["run_date"]} == {dt.date}
    assert (read["rank"].dtype, read["score"].dtype, read["is_control"].dtype) == ("int64", "float64", "bool")
    assert read["is_control"].tolist() == recommendations.query("artist_id == 'ar2'")["is_control"].tolist()


@pytest.mark.slow
def test_the_publish_stage_writes_to_postgresql_when_told_to(postgres_database, tmp_path, tiny_world):
    with inside(make_project(tmp_path, tiny_world)):
        params = load_params()
        for stage in (ingest, validate, features, train, score):
            stage.run(params)
        os.environ[TASTEMAKER_DB_URL] = postgres_database
        try:
            receipt = publish.run(params)
        finally:
            del os.environ[TASTEMAKER_DB_URL]
        written = pd.read_parquet(params.paths.publication / "recommendations.parquet")
        local_database = (params.paths.state / "publications.db").resolve()  # this project, not the cwd after
    assert receipt["database"].startswith("postgresql+psycopg://")
    assert not local_database.exists()
    engine = store.connect(postgres_database)
    try:
        assert store.run_dates(engine) == [receipt["run_date"]]
        for artist_id, expected in written.groupby("artist_id"):
            read = store.read_recommendations(engine, artist_id)
            assert read["run_id"].unique().tolist() == [receipt["run_id"]]
            assert read["isrc"].tolist() == expected["isrc"].tolist()
            assert read["playlist_id"].tolist() == expected["playlist_id"].tolist()
            assert read["score"].tolist() == expected["score"].tolist()
            assert read["is_control"].tolist() == expected["is_control"].tolist()
            assert [json.loads(reasons) for reasons in read["reasons"]] == [
                json.loads(reasons) for reasons in expected["reasons"]
            ]
    finally:
        engine.dispose()
