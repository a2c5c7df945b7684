"""The hidden appeal of a track to a playlist's audience: the one number the whole market follows.

appeal = sigmoid(BASE - DISTANCE_WEIGHT * d + GENRE_WEIGHT * log(G * affinity[genre])
                 + POPULARITY_WEIGHT * log(popularity))

where d is the root-mean-square distance, in units of the curator's taste width, between the
track's style and the curator's taste (tempo, brightness, percussiveness, energy, acousticness
and major/minor), G the number of genres and affinity the curator's share of love for the
track's genre. Sound drives it: no catalog column enters except the public genre.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tastemaker.world.styles import GENRE_NAMES

# Units in which one step of style difference is "clearly audible".
STYLE_UNITS = {
    "tempo_bpm": 25.0,
    "brightness": 0.15,
    "percussiveness": 0.15,
    "energy": 0.15,
    "acousticness": 0.2,
}
MODE_UNIT = 0.5

BASE = 1.5
DISTANCE_WEIGHT = 1.5
GENRE_WEIGHT = 0.6
POPULARITY_WEIGHT = 0.6


def appeal(track_styles: pd.DataFrame, playlist_tastes: pd.DataFrame) -> np.ndarray:
    """Appeal of every track (rows) to every playlist (columns), in (0, 1).

    `track_styles` needs the style columns, `genre` and `artist_popularity`;
    `playlist_tastes` the `taste_*` columns, `taste_width` and one `affinity_<genre>` per genre.
    Memory grows with rows x columns: pass chunks of tracks for a large world.
    """
    return _sigmoid(_logit(track_styles, playlist_tastes, pairwise=False))


def pair_appeal(track_styles: pd.DataFrame, playlist_tastes: pd.DataFrame) -> np.ndarray:
    """Appeal of row i of `track_styles` to row i of `playlist_tastes` (aligned pairs)."""
    return _sigmoid(_logit(track_styles, playlist_tastes, pairwise=True))


def _logit(tracks: pd.DataFrame, playlists: pd.DataFrame, pairwise: bool) -> np.ndarray:
    def track_column(values) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        return values if pairwise else values[:, None]

    def playlist_column(values) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        return values if pairwise else values[None, :]

    width = playlist_column(playlists["taste_width"])
    squared = 0.0
    for column, unit in STYLE_UNITS.items():
        diff = (track_column(tracks[column]) - playlist_column(playlists[f"taste_{column}"])) / unit
        squared = squared + diff**2
    is_major = track_column(tracks["mode"].to_numpy() == "major")
    squared = squared + ((is_major - playlist_column(playlists["taste_major"])) / MODE_UNIT) ** 2
    distance = np.sqrt(squared / (len(STYLE_UNITS) + 1)) / width

    affinities = playlists[[f"affinity_{g}" for g in GENRE_NAMES]].to_numpy(dtype=float)
    genre_index = pd.Index(GENRE_NAMES).get_indexer(tracks["genre"].to_numpy())
    if pairwise:
        affinity = affinities[np.arange(len(playlists)), genre_index]
    else:
        affinity = affinities.T[genre_index]
    log_popularity = track_column(np.log(tracks["artist_popularity"].to_numpy(dtype=float)))
    return (
        BASE
        - DISTANCE_WEIGHT * distance
        + GENRE_WEIGHT * np.log(len(GENRE_NAMES) * affinity)
        + POPULARITY_WEIGHT * log_popularity
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
