"""Write the public side of a world: the landing zone a label would hand over."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tastemaker.world.curators import active_on
from tastemaker.world.listening import REPORT_COLUMNS

CATALOG_COLUMNS = [
    "isrc",
    "title",
    "artist_name",
    "release_date",
    "audio_file",
    "genre",
    "artist_id",
    "duration_s",
    "label",
]
PLAYLIST_COLUMNS = ["playlist_id", "name", "followers", "curator", "territory", "genre"]


def write_catalog(landing: Path, tracks: pd.DataFrame) -> None:
    """The catalog as delivered: its genre is the delivered one, empty or wrong for some tracks."""
    catalog = tracks.assign(genre=tracks["catalog_genre"])[CATALOG_COLUMNS].copy()
    catalog["release_date"] = [str(d) for d in catalog["release_date"]]
    catalog.to_csv(landing / "catalog.csv", index=False, lineterminator="\n")


def write_playlists(landing: Path, playlists: pd.DataFrame, today) -> int:
    """The playlists that exist on `today`, with their follower counts of that day; returns how many."""
    listed = playlists[active_on(playlists, np.datetime64(today, "D"))]
    listed[PLAYLIST_COLUMNS].to_csv(landing / "playlists.csv", index=False, lineterminator="\n")
    return len(listed)


def write_reports(landing: Path, reports: pd.DataFrame) -> int:
    """One CSV per report day, as DSPs deliver them; returns the number of rows written.

    Rows sharing a key (a track placed twice on one playlist) are summed, so each
    (date, isrc, playlist_id, territory) appears once.
    """
    folder = landing / "streams"
    folder.mkdir(parents=True, exist_ok=True)
    keys = ["date", "isrc", "playlist_id", "territory"]
    daily = reports[REPORT_COLUMNS].groupby(keys, sort=True, as_index=False).sum()
    daily["date"] = np.datetime_as_string(daily["date"].to_numpy().astype("datetime64[D]"))
    for date, rows in daily.groupby("date", sort=True):
        rows.to_csv(folder / f"{date}.csv", index=False, lineterminator="\n")
    return len(daily)
