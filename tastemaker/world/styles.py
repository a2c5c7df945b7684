"""The sound space of the simulated market: genres, their sub-styles, artist and track styles.

A style is what the audio carries: tempo, key and mode, brightness, percussiveness, energy,
acousticness (the instrumentation, from synth leads at 0 to plucked, soft tones at 1) and space
(how much room reverb surrounds the sound). Each genre holds three sub-styles, each a point of its
own in that space; sub-styles of different genres can sound closer to each other than to their
genre siblings (lo-fi hip-hop and downtempo electronic, indie pop and folk pop), which is why a
genre name says little about where a track belongs. Artists sit near their sub-style and tracks
scatter around their artist.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CONTINUOUS_STYLE = ("tempo_bpm", "brightness", "percussiveness", "energy", "acousticness", "space")


@dataclass(frozen=True)
class Genre:
    """Centre of a genre in sound space, and the share of its tracks written in a major key."""

    name: str
    tempo_bpm: float
    brightness: float
    percussiveness: float
    energy: float
    acousticness: float
    space: float
    major_share: float


@dataclass(frozen=True)
class Substyle:
    """A scene of sound inside a genre: its own point on every axis and its own major share."""

    name: str
    genre: str
    tempo_bpm: float
    brightness: float
    percussiveness: float
    energy: float
    acousticness: float
    space: float
    major_share: float


SUBSTYLES: tuple[Substyle, ...] = (
    Substyle("dance-pop", "pop", 122, 0.72, 0.75, 0.82, 0.10, 0.20, 0.80),
    Substyle("indie-pop", "pop", 106, 0.55, 0.50, 0.55, 0.55, 0.45, 0.75),
    Substyle("pop-ballad", "pop", 74, 0.45, 0.30, 0.42, 0.60, 0.70, 0.60),
    Substyle("trap", "hip-hop", 142, 0.45, 0.92, 0.75, 0.05, 0.30, 0.20),
    Substyle("boom-bap", "hip-hop", 92, 0.38, 0.85, 0.62, 0.35, 0.10, 0.35),
    Substyle("lo-fi", "hip-hop", 80, 0.22, 0.55, 0.30, 0.40, 0.55, 0.45),
    Substyle("house", "electronic", 124, 0.70, 0.85, 0.80, 0.05, 0.35, 0.55),
    Substyle("techno", "electronic", 132, 0.58, 0.95, 0.92, 0.00, 0.60, 0.15),
    Substyle("downtempo", "electronic", 94, 0.32, 0.50, 0.38, 0.20, 0.70, 0.40),
    Substyle("punk", "rock", 168, 0.78, 0.80, 0.95, 0.45, 0.10, 0.70),
    Substyle("indie-rock", "rock", 128, 0.60, 0.65, 0.70, 0.55, 0.40, 0.55),
    Substyle("classic-rock", "rock", 110, 0.52, 0.70, 0.75, 0.65, 0.25, 0.65),
    Substyle("drone", "ambient", 64, 0.18, 0.05, 0.15, 0.30, 0.95, 0.40),
    Substyle("new-age", "ambient", 72, 0.42, 0.15, 0.25, 0.80, 0.85, 0.80),
    Substyle("cinematic", "ambient", 86, 0.48, 0.35, 0.48, 0.50, 0.80, 0.35),
    Substyle("singer-songwriter", "folk", 96, 0.40, 0.20, 0.35, 0.95, 0.30, 0.70),
    Substyle("bluegrass", "folk", 138, 0.62, 0.45, 0.72, 0.95, 0.15, 0.90),
    Substyle("folk-pop", "folk", 112, 0.55, 0.45, 0.55, 0.72, 0.40, 0.85),
)
SUBSTYLE_NAMES = tuple(s.name for s in SUBSTYLES)
GENRE_NAMES = tuple(dict.fromkeys(s.genre for s in SUBSTYLES))

# How far artists stray from their sub-style, and tracks from their artist.
ARTIST_SPREAD = {
    "tempo_bpm": 5.0,
    "brightness": 0.06,
    "percussiveness": 0.06,
    "energy": 0.06,
    "acousticness": 0.07,
    "space": 0.07,
}
TRACK_SPREAD = {
    "tempo_bpm": 3.0,
    "brightness": 0.04,
    "percussiveness": 0.04,
    "energy": 0.04,
    "acousticness": 0.04,
    "space": 0.04,
}
TEMPO_RANGE = (62.0, 175.0)


def substyle_table() -> pd.DataFrame:
    """Sub-styles as a table indexed by name, for vectorised lookups."""
    return pd.DataFrame([s.__dict__ for s in SUBSTYLES]).set_index("name")


def genre_table() -> pd.DataFrame:
    """Genres indexed by name; a genre's centre is the mean of its sub-styles."""
    numeric = [*CONTINUOUS_STYLE, "major_share"]
    return substyle_table().groupby("genre", sort=False)[numeric].mean().rename_axis("name")


GENRES: tuple[Genre, ...] = tuple(Genre(name, **row) for name, row in genre_table().iterrows())


def sample_substyles(genres: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """One sub-style per artist, dealt round-robin over a shuffled order within each genre.

    A genre with at least three artists then covers all its sub-styles.
    """
    table = substyle_table()
    order = {g: rng.permutation(table.index[table["genre"] == g].to_numpy()) for g in GENRE_NAMES}
    dealt = {g: 0 for g in GENRE_NAMES}
    picks = []
    for genre in genres:
        picks.append(order[genre][dealt[genre] % len(order[genre])])
        dealt[genre] += 1
    return np.array(picks)


def sample_artist_styles(substyles: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """One style centre per artist, drawn around its sub-style's point."""
    centres = substyle_table().loc[substyles.to_numpy()]
    styles = pd.DataFrame(index=substyles.index)
    for column in CONTINUOUS_STYLE:
        styles[column] = centres[column].to_numpy() + rng.normal(0, ARTIST_SPREAD[column], len(substyles))
    # An artist leans towards major or minor more strongly than its sub-style does.
    styles["major_share"] = np.clip(
        centres["major_share"].to_numpy() + rng.normal(0, 0.15, len(substyles)), 0.05, 0.95
    )
    styles["home_key"] = rng.integers(0, 12, len(substyles))
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
