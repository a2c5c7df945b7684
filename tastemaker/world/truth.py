"""The hidden side of a world, kept next to (never inside) its landing zone.

Evaluation code reads it to score what the platform learned against what is really true:
styles, sub-styles, scenes, the delivered and the true genre, tastes, popularity, playlists'
life spans and honesty, the appeal of every pair (with and without its sound terms), placements,
and the pitches made. The taste and follower columns describe the world's today.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from tastemaker.world.appeal import appeal, appeal_without_sound
from tastemaker.world.styles import CONTINUOUS_STYLE

TRACK_TRUTH_COLUMNS = [
    "isrc",
    "artist_id",
    "genre",
    "catalog_genre",
    "substyle",
    "scene",
    "release_date",
    "artist_popularity",
    "home_territory",
    *CONTINUOUS_STYLE,
    "key",
    "mode",
    "container",
    "subtype",
    "extension",
    "sample_rate",
    "channels",
    "duration_s",
    "title",
    "artist_name",
    "label",
    "audio_file",
]


@dataclass
class WorldState:
    """What advancing a world needs besides the tables: where time stands and how ids continue."""

    preset: str
    seed: int
    today: str
    first_report_day: str
    next_serial: int
    advances: int = 0
    audio_dir: str | None = None
    untagged_files: list[str] = field(default_factory=list)


def truth_dir_for(landing: Path) -> Path:
    """Where the hidden truth of a landing zone lives: beside it, so pipelines never see it."""
    landing = Path(landing)
    return landing.parent / f"{landing.name}_truth"


def write_state(truth: Path, state: WorldState) -> None:
    (truth / "world.json").write_text(json.dumps(asdict(state), indent=2) + "\n")


def read_state(truth: Path) -> WorldState:
    return WorldState(**json.loads((truth / "world.json").read_text()))


def is_world(landing: Path) -> bool:
    return (truth_dir_for(landing) / "world.json").is_file()


def write_tables(
    truth: Path,
    artists: pd.DataFrame,
    tracks: pd.DataFrame,
    playlists: pd.DataFrame,
    placements: pd.DataFrame,
    write_full_appeal: bool,
) -> None:
    artists.to_parquet(truth / "artists.parquet", index=False)
    tracks[TRACK_TRUTH_COLUMNS].to_parquet(truth / "tracks.parquet", index=False)
    playlists.to_parquet(truth / "playlists.parquet", index=False)
    placements.to_parquet(truth / "placements.parquet", index=False)
    if write_full_appeal:
        appeal_table(tracks, playlists).to_parquet(truth / "appeal.parquet", index=False)


def appeal_table(tracks: pd.DataFrame, playlists: pd.DataFrame) -> pd.DataFrame:
    """Appeal of every (track, playlist) pair as a long table, with what a deaf oracle would know."""
    return pd.DataFrame(
        {
            "isrc": tracks["isrc"].repeat(len(playlists)).to_numpy(),
            "playlist_id": list(playlists["playlist_id"]) * len(tracks),
            "appeal": appeal(tracks, playlists).ravel(),
            "appeal_without_sound": appeal_without_sound(tracks, playlists).ravel(),
        }
    )


def read_tables(truth: Path) -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_parquet(truth / f"{name}.parquet")
        for name in ("artists", "tracks", "playlists", "placements")
    }
