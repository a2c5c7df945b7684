"""What the publication table does not carry, read from the validated delivery: playlists' territory,
followers and curator, tracks' release dates, tags, and the streams reports behind "results".

The tables are loaded once and kept until their file changes, so a page costs dictionary
look-ups; the streams, far larger, are read per request and only for the tracks it shows.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from tastemaker.config import Params


@dataclass(frozen=True)
class Playlist:
    name: str
    territory: str
    followers: int | None
    curator: str


@dataclass(frozen=True)
class Track:
    title: str
    release_date: dt.date | None
    genre: str


@dataclass
class Catalog:
    playlists: dict[str, Playlist] = field(default_factory=dict)
    tracks: dict[str, Track] = field(default_factory=dict)
    artist_tracks: dict[str, list[str]] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)


class CatalogCache:
    """The latest validated catalog; reloaded when a run replaces its files."""

    def __init__(self, params: Params):
        self.validated = params.paths.validated
        self.features = params.paths.features
        self._lock = threading.Lock()
        self._stamp: tuple = ()
        self._catalog = Catalog()

    def current(self) -> Catalog:
        stamp = tuple(_mtime(path) for path in self._files())
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    self._catalog = _load(*self._files())
                    self._stamp = stamp
        return self._catalog

    def _files(self) -> tuple[Path, Path, Path]:
        return (
            self.validated / "playlists.parquet",
            self.validated / "catalog.parquet",
            self.features / "auto_tags.parquet",
        )

    def streams(self, isrcs: list[str]) -> pd.DataFrame:
        """Report rows of these tracks (date, isrc, playlist_id, streams); empty before any validation."""
        path = self.validated / "streams.parquet"
        columns = ["date", "isrc", "playlist_id", "streams"]
        if not isrcs or not path.is_file():
            return pd.DataFrame(columns=columns)
        found = pq.read_table(path, columns=columns, filters=[("isrc", "in", list(set(isrcs)))]).to_pandas()
        found["date"] = pd.to_datetime(found["date"]).dt.date
        return found


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.is_file() else 0.0


def _load(playlists_path: Path, catalog_path: Path, tags_path: Path) -> Catalog:
    """Column by column, never row by row: the large world's 100,000 tracks load in about a second."""
    catalog = Catalog()
    if playlists_path.is_file():
        playlists = pd.read_parquet(playlists_path)
        followers = (
            playlists["followers"].astype("Int64")
            if "followers" in playlists
            else pd.Series(pd.NA, playlists.index)
        )
        for playlist_id, name, territory, count, curator in zip(
            playlists["playlist_id"].astype(str),
            playlists["name"].astype(str),
            _texts(playlists, "territory"),
            followers,
            _texts(playlists, "curator"),
        ):
            catalog.playlists[playlist_id] = Playlist(
                name, territory, None if pd.isna(count) else int(count), curator
            )
    if catalog_path.is_file():
        tracks = pd.read_parquet(catalog_path)
        released = pd.to_datetime(tracks["release_date"], errors="coerce")
        for isrc, title, release, genre, artist_id in zip(
            tracks["isrc"].astype(str),
            tracks["title"].astype(str),
            released,
            _texts(tracks, "genre"),
            tracks["artist_id"].astype(str),
        ):
            catalog.tracks[isrc] = Track(title, None if pd.isna(release) else release.date(), genre)
            catalog.artist_tracks.setdefault(artist_id, []).append(isrc)
    if tags_path.is_file():
        tags = pd.read_parquet(tags_path)
        for record in tags.to_dict("records"):
            isrc = str(record.pop("isrc"))
            catalog.tags[isrc] = {
                name: _tag_text(value) for name, value in record.items() if not _missing(value)
            }
    return catalog


def _texts(table: pd.DataFrame, column: str) -> list[str]:
    """An optional text column as strings, empty where absent or missing."""
    if column not in table:
        return [""] * len(table)
    return table[column].astype(object).where(table[column].notna(), "").astype(str).tolist()


def _missing(value) -> bool:
    return value is None or (not isinstance(value, (list, tuple)) and pd.isna(value))


def _tag_text(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
