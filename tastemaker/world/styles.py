"""The sound space of the simulated market: genres, artist and track styles.

A style is what the audio carries: tempo, key and mode, brightness, percussiveness, energy and
acousticness (the instrumentation, from synth leads at 0 to plucked, soft tones at 1). Each genre
is a cloud in that space; artists sit inside their genre's cloud and tracks scatter around their
artist, so two artists of one genre sound alike but not the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CONTINUOUS_STYLE = ("tempo_bpm", "brightness", "percussiveness", "energy", "acousticness")


@dataclass(frozen=True)
class Genre:
    """Centre of a genre in sound space, and the share of its tracks written in a major key."""

    name: str
    tempo_bpm: float
    brightness: float
    percussiveness: float
    energy: float
    acousticness: float
    major_share: float


GENRES: tuple[Genre, ...] = (
    Genre("pop", 118, 0.60, 0.60, 0.65, 0.40, 0.80),
    Genre("hip-hop", 90, 0.40, 0.85, 0.60, 0.15, 0.30),
    Genre("electronic", 126, 0.75, 0.80, 0.85, 0.05, 0.35),
    Genre("rock", 145, 0.65, 0.70, 0.80, 0.50, 0.60),
    Genre("ambient", 72, 0.30, 0.25, 0.25, 0.60, 0.55),
    Genre("folk", 102, 0.45, 0.35, 0.40, 0.90, 0.80),
)
GENRE_NAMES = tuple(g.name for g in GENRES)

# How far artists stray from their genre, and tracks from their artist.
ARTIST_SPREAD = {
    "tempo_bpm": 6.0,
    "brightness": 0.08,
    "percussiveness": 0.08,
    "energy": 0.08,
    "acousticness": 0.1,
}
TRACK_SPREAD = {
    "tempo_bpm": 4.0,
    "brightness": 0.05,
    "percussiveness": 0.05,
    "energy": 0.05,
    "acousticness": 0.05,
}
TEMPO_RANGE = (62.0, 175.0)


def genre_table() -> pd.DataFrame:
    """Genres as a table indexed by name, for vectorised lookups."""
    return pd.DataFrame([g.__dict__ for g in GENRES]).set_index("name")


def sample_artist_styles(genres: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """One style centre per artist, drawn around its genre's centre."""
    centres = genre_table().loc[genres.to_numpy()]
    styles = pd.DataFrame(index=genres.index)
    for column in CONTINUOUS_STYLE:
        styles[column] = centres[column].to_numpy() + rng.normal(0, ARTIST_SPREAD[column], len(genres))
    # An artist leans towards major or minor more strongly than its genre does.
    styles["major_share"] = np.clip(
        centres["major_share"].to_numpy() + rng.normal(0, 0.15, len(genres)), 0.05, 0.95
    )
    styles["home_key"] = rng.integers(0, 12, len(genres))
    return _clip(styles)


def sample_track_styles(artist_styles: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One style per track (rows of `artist_styles` repeated per track), scattered around its artist."""
    n = len(artist_styles)
    styles = pd.DataFrame(index=artist_styles.index)
    for column in CONTINUOUS_STYLE:
        styles[column] = artist_styles[column].to_numpy() + rng.normal(0, TRACK_SPREAD[column], n)
    keep_home_key = rng.random(n) < 0.5
    styles["key"] = np.where(keep_home_key, artist_styles["home_key"].to_numpy(), rng.integers(0, 12, n))
    is_major = rng.random(n) < artist_styles["major_share"].to_numpy()
    styles["mode"] = np.where(is_major, "major", "minor")
    styles = _clip(styles)
    styles["tempo_bpm"] = styles["tempo_bpm"].round(1)
    return styles


def _clip(styles: pd.DataFrame) -> pd.DataFrame:
    styles["tempo_bpm"] = styles["tempo_bpm"].clip(*TEMPO_RANGE)
    for column in CONTINUOUS_STYLE[1:]:
        styles[column] = styles[column].clip(0.0, 1.0)
    return styles
