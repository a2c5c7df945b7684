"""World sizes, and the params model the pipeline config embeds.

A preset fixes how big the simulated market is; everything else about the world is drawn from
the seed, so `(preset, seed)` names one world exactly.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

# The last report date of every generated world. A fixed date (not the wall clock) keeps
# worlds byte-identical no matter when they are generated.
WORLD_TODAY = dt.date(2026, 6, 30)


class WorldPreset(BaseModel):
    """How large a world is and how much audio it carries."""

    artists: int
    tracks: int
    playlists: int
    report_days: int
    track_seconds: float = Field(description="length of each synthesized track; 0 means no audio")
    unreleased_share: float = Field(0.1, description="share of tracks released after the world's today")
    placements_per_track: float = Field(
        description="mean playlist placements of a released track over the report window"
    )
    min_placements_per_track: int = 1
    organic_territories: int = Field(2, description="territories where a track streams outside playlists")
    write_full_appeal: bool = True


PRESETS: dict[str, WorldPreset] = {
    "tiny": WorldPreset(
        artists=5,
        tracks=20,
        playlists=9,
        report_days=30,
        track_seconds=8.0,
        placements_per_track=4.0,
        min_placements_per_track=2,
    ),
    "demo": WorldPreset(
        artists=40,
        tracks=200,
        playlists=60,
        report_days=120,
        track_seconds=30.0,
        placements_per_track=6.0,
        min_placements_per_track=3,
    ),
    # No audio and a shorter report window: 100k tracks x 5k playlists only fit the
    # time and memory budget as metadata plus one month of reports.
    "large": WorldPreset(
        artists=8_000,
        tracks=100_000,
        playlists=5_000,
        report_days=28,
        track_seconds=0.0,
        placements_per_track=2.0,
        min_placements_per_track=1,
        organic_territories=1,
        write_full_appeal=False,
    ),
}

PRESET_NAMES: tuple[str, ...] = tuple(PRESETS)

