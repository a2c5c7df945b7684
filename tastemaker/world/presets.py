"""World sizes, and the params model the pipeline config embeds.

A preset fixes how big the simulated market is and how messy its deliveries are; everything
else about the world is drawn from the seed, so `(preset, seed)` names one world exactly.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

# The last report date of every generated world. A fixed date (not the wall clock) keeps
# worlds byte-identical no matter when they are generated.
WORLD_TODAY = dt.date(2026, 6, 30)


class WorldPreset(BaseModel):
    """How large a world is, how much audio it carries and how its metadata is delivered."""

    artists: int
    tracks: int
    playlists: int
    report_days: int
    track_seconds: float = Field(description="length of each synthesized track; 0 means no audio")
    unreleased_share: float = Field(0.1, description="share of tracks released after the world's today")
    campaigns_per_track: float = Field(
        description="expected playlist campaigns per 120 days for a released track of median popularity"
    )
    scenes: int = Field(description="communities artists belong to and playlists lean towards")
    organic_territories: int = Field(2, description="territories where a track streams outside playlists")
    genre_missing_share: float = Field(0.25, description="tracks delivered with an empty genre")
    genre_wrong_share: float = Field(0.10, description="tracks delivered with another genre than their own")
    mood_playlist_share: float = Field(0.3, description="cross-genre mood and scene playlists")
    fraud_share: float = Field(0.05, description="playlists with bought followers and bot streams")
    closing_share: float = Field(
        0.04, description="playlists closing per 120 days; their past report rows name unlisted playlists"
    )
    write_full_appeal: bool = True


PRESETS: dict[str, WorldPreset] = {
    # Small but complete: 30-second tracks pass validation's default minimum duration, and 100
    # report days hold a training window, a 14-day validation fold and a 30-day holdout.
    "tiny": WorldPreset(
        artists=5,
        tracks=20,
        playlists=12,
        report_days=100,
        track_seconds=30.0,
        campaigns_per_track=1.5,
        scenes=3,
        # With a dozen playlists, one closed list would hold more than the 5% of report rows
        # validation may quarantine, so tiny playlists never close.
        closing_share=0.0,
    ),
    "demo": WorldPreset(
        artists=40,
        tracks=240,
        playlists=60,
        report_days=120,
        track_seconds=30.0,
        campaigns_per_track=0.22,
        scenes=8,
    ),
    # No audio, and one territory per track outside playlists: 100k tracks x 5k playlists only
    # fit the time and memory budget as metadata.
    "large": WorldPreset(
        artists=8_000,
        tracks=100_000,
        playlists=5_000,
        report_days=90,
        track_seconds=0.0,
        campaigns_per_track=0.3,
        scenes=200,
        organic_territories=1,
        write_full_appeal=False,
    ),
}

PRESET_NAMES: tuple[str, ...] = tuple(PRESETS)
