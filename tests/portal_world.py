"""A tiny publication for portal tests, written straight into the store: two artists, a label, no pipeline.

Artist A1 (Ada Lane) has a model pick, a random exploration pick, a control pair and an
unreleased track whose title is a script tag; artist B2 (Bo Reed) has two model picks. The
validated tables beside it give playlists their territory, followers and curator.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tastemaker.config import load_params
from tastemaker.portal import accounts, tables
from tastemaker.portal.settings import PortalSettings, load_settings
from tastemaker.publication import store

REPO = Path(__file__).resolve().parents[1]
RUN_DATE = dt.date(2026, 6, 30)
SCRIPT_TITLE = "<script>alert('owned')</script>"
PASSWORDS = {
    "admin@label.test": "admin-password-1",
    "member@label.test": "member-password-1",
    "ada@artist.test": "ada-password-12",
    "bo@artist.test": "bo-password-123",
}

PLAYLISTS = pd.DataFrame(
    {
        "playlist_id": ["PL1", "PL2", "PL3", "PL4"],
        "name": ["Morning Folk", "Morning Folk", "Night Drive", '=HYPERLINK("x")'],
        "followers": [12000, 800, 45000, 300],
        "curator": ["North Lists", "Fjord Editorial", "Drive FM", "Small Curator"],
        "territory": ["GB", "NO", "US", "DE"],
        "genre": ["folk", "folk", "electronic", "pop"],
    }
)
CATALOG = pd.DataFrame(
    {
        "isrc": ["GBAAA2600001", "GBAAA2600002", "GBAAA2600003", "GBBBB2600001"],
        "title": ["Harbour Lights", SCRIPT_TITLE, "Quiet Field", "Neon River"],
        "artist_name": ["Ada Lane", "Ada Lane", "Ada Lane", "Bo Reed"],
        "release_date": ["2026-03-01", "2026-08-15", "2026-01-10", "2025-11-20"],
        "genre": ["folk", "folk", "folk", "electronic"],
        "artist_id": ["A1", "A1", "A1", "B2"],
    }
)


@dataclass(frozen=True)
class PortalWorld:
    folder: Path
    settings: PortalSettings


def pitch(
    artist_id,
    artist_name,
    rank,
    isrc,
    title,
    playlist_id,
    playlist_name,
    score,
    *,
    control=False,
    explore=False,
    band=(100, 400),
    reasons=("genre match: folk",),
) -> dict:
    return {
        "run_date": RUN_DATE,
        "run_id": "run-1",
        "model_name": "tastemaker-ranker",
        "model_version": "3",
        "data_version": "abc123def456",
        "artist_id": artist_id,
        "artist_name": artist_name,
        "rank": rank,
        "isrc": isrc,
        "track_title": title,
        "playlist_id": playlist_id,
        "playlist_name": playlist_name,
        "score": score,
        "expected_streams_low": band[0],
        "expected_streams_high": band[1],
        "reasons": json.dumps(list(reasons)),
        "is_control": control,
        "is_explore": explore,
    }


RECOMMENDATIONS = pd.DataFrame(
    [
        pitch("A1", "Ada Lane", 1, "GBAAA2600001", "Harbour Lights", "PL1", "Morning Folk", 1.7),
        pitch(
            "A1",
            "Ada Lane",
            2,
            "GBAAA2600003",
            "Quiet Field",
            "PL4",
            '=HYPERLINK("x")',
            -0.4,
            explore=True,
            reasons=("exploration: drawn at random among the eligible candidates", "genre match: pop"),
        ),
        pitch("A1", "Ada Lane", 3, "GBAAA2600003", "Quiet Field", "PL2", "Morning Folk", 0.9, control=True),
        pitch("A1", "Ada Lane", 4, "GBAAA2600002", SCRIPT_TITLE, "PL2", "Morning Folk", -1.2),
        pitch("B2", "Bo Reed", 1, "GBBBB2600001", "Neon River", "PL3", "Night Drive", 2.4),
        pitch("B2", "Bo Reed", 2, "GBBBB2600001", "Neon River", "PL1", "Morning Folk", 0.1),
    ]
)
SIMILAR = pd.DataFrame(
    [
        {
            "run_date": RUN_DATE,
            "run_id": "run-1",
            "artist_id": "A1",
            "rank": 1,
            "similar_artist_id": "B2",
            "similar_artist_name": "Bo Reed",
            "similarity": 0.61,
            "audio_similarity": 0.7,
            "co_listening": 0.4,
        },
    ]
)
STREAMS = pd.DataFrame(
    {
        "date": pd.to_datetime(["2026-06-20", "2026-07-02", "2026-07-03", "2026-07-02"]),
        "isrc": ["GBAAA2600001", "GBAAA2600001", "GBAAA2600001", "GBBBB2600001"],
        "playlist_id": ["PL3", "PL1", "PL1", "PL3"],
        "territory": ["GB", "GB", "GB", "US"],
        "streams": [50, 120, 80, 900],
        "listeners": [40, 100, 70, 800],
        "skips": [1, 2, 3, 4],
        "saves": [5, 6, 7, 8],
    }
)


def open_portal_world(folder: Path) -> PortalWorld:
    """The settings of a project laid out by `build_portal_world`, its paths made absolute."""
    params = load_params(folder / "params.yaml")
    params = params.model_copy(
        update={
            "paths": params.paths.model_copy(
                update={
                    name: folder / getattr(params.paths, name) for name in type(params.paths).model_fields
                }
            )
        }
    )
    return PortalWorld(folder, load_settings(params))


def build_portal_world(folder: Path) -> PortalWorld:
    """Lay out a project in `folder`: params.yaml, validated tables, the publication, four accounts.

    Hashing the four passwords is most of the cost: tests copy one built folder rather than build their own.
    """
    shutil.copy(REPO / "params.yaml", folder / "params.yaml")
    validated = folder / "data" / "validated"
    validated.mkdir(parents=True)
    PLAYLISTS.to_parquet(validated / "playlists.parquet", index=False)
    CATALOG.to_parquet(validated / "catalog.parquet", index=False)
    STREAMS.to_parquet(validated / "streams.parquet", index=False)
    world = open_portal_world(folder)
    header = {
        "run_date": RUN_DATE,
        "run_id": "run-1",
        "published_at": dt.datetime(2026, 6, 30, 6, tzinfo=dt.UTC),
        "model_name": "tastemaker-ranker",
        "model_version": "3",
        "data_version": "abc123def456",
        "git_commit": "0123456789abcdef",
        "params_hash": "feedbeef",
        "artists": 2,
        "pitches": len(RECOMMENDATIONS),
    }
    store.publish(store.connect(world.settings.publication_db_url), header, RECOMMENDATIONS, 30, SIMILAR)
    engine = tables.connect(world.settings.portal_db_url)
    accounts.add_user(engine, "admin@label.test", "Label Admin", "admin", [], PASSWORDS["admin@label.test"])
    accounts.add_user(
        engine, "member@label.test", "Label Member", "member", [], PASSWORDS["member@label.test"]
    )
    accounts.add_user(engine, "ada@artist.test", "Ada Lane", "artist", ["A1"], PASSWORDS["ada@artist.test"])
    accounts.add_user(engine, "bo@artist.test", "Bo Reed", "artist", ["B2"], PASSWORDS["bo@artist.test"])
    engine.dispose()
    return world


PORTAL_VARIABLES = (
    "TASTEMAKER_DB_URL",
    "TASTEMAKER_PORTAL_DB_URL",
    "TASTEMAKER_PORTAL_SECRET",
    "TASTEMAKER_PORTAL_SECURE_COOKIES",
)
