"""The hidden appeal of a track to a playlist's audience: the one number the whole market follows.

appeal = sigmoid(BASE + sound + genre + scene + popularity), with
  sound      = -DISTANCE_WEIGHT * d
  genre      = GENRE_WEIGHT * log(G * affinity[genre])
  scene      = scene_love if the track's scene is the playlist's favourite scene, else 0
  popularity = POPULARITY_WEIGHT * log(artist popularity)
where d is the root-mean-square distance, in units of the curator's taste width, between the
track's style and the curator's taste (tempo, brightness, percussiveness, energy, acousticness,
space and major/minor), G the number of genres and affinity the curator's share of love for the
track's true genre. Sound carries most of it; genre is a weak term and the scene is what only
co-listening can reveal.

`appeal_without_sound` is what an oracle that cannot hear would know: the same logit with the
sound term replaced by its market-wide average, a constant, so it ranks playlists by genre,
scene and popularity alone while staying on the appeal's scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tastemaker.world.styles import GENRE_NAMES

# Units in which one step of style difference is "clearly audible".
STYLE_UNITS = {
    "tempo_bpm": 20.0,
    "brightness": 0.12,
    "percussiveness": 0.12,
    "energy": 0.12,
    "acousticness": 0.15,
    "space": 0.15,
}
MODE_UNIT = 0.5

BASE = 0.9
DISTANCE_WEIGHT = 1.6
GENRE_WEIGHT = 0.3
POPULARITY_WEIGHT = 0.4
# Mean of d over the (track, playlist) pairs of demo worlds: stands in for the sound term
# when the sound is not heard.
TYPICAL_DISTANCE = 2.1


def appeal(track_styles: pd.DataFrame, playlist_tastes: pd.DataFrame) -> np.ndarray:
    """Appeal of every track (rows) to every playlist (columns), in (0, 1).

    `track_styles` needs the style columns, `genre`, `scene` and `artist_popularity`;
    `playlist_tastes` the `taste_*` columns, `taste_width`, one `affinity_<genre>` per genre,
    `favourite_scene` and `scene_love`. Memory grows with rows x columns: pass chunks of tracks
    for a large world.
    """
    return _sigmoid(_logit(track_styles, playlist_tastes, pairwise=False, hear=True))


def pair_appeal(track_styles: pd.DataFrame, playlist_tastes: pd.DataFrame) -> np.ndarray:
    """Appeal of row i of `track_styles` to row i of `playlist_tastes` (aligned pairs)."""
    return _sigmoid(_logit(track_styles, playlist_tastes, pairwise=True, hear=True))


def appeal_without_sound(track_styles: pd.DataFrame, playlist_tastes: pd.DataFrame) -> np.ndarray:
    """Like `appeal`, for an oracle that knows genre, scene and popularity but cannot hear."""
    return _sigmoid(_logit(track_styles, playlist_tastes, pairwise=False, hear=False))


def pair_appeal_without_sound(track_styles: pd.DataFrame, playlist_tastes: pd.DataFrame) -> np.ndarray:
    """Like `pair_appeal`, for an oracle that cannot hear."""
    return _sigmoid(_logit(track_styles, playlist_tastes, pairwise=True, hear=False))


def sound_distance(track_styles: pd.DataFrame, playlist_tastes: pd.DataFrame, pairwise: bool) -> np.ndarray:
    """d of the docstring above: how far a track sounds from a taste, in taste widths."""
    track_column, playlist_column = _aligners(pairwise)

    def taste(column: str) -> np.ndarray:
        return playlist_column(playlist_tastes[column].to_numpy(dtype=float))

    squared = 0.0
    for column, unit in STYLE_UNITS.items():
        diff = (track_column(track_styles[column].to_numpy(dtype=float)) - taste(f"taste_{column}")) / unit
        squared = squared + diff**2
    is_major = track_column(track_styles["mode"].to_numpy() == "major")
    squared = squared + ((is_major - taste("taste_major")) / MODE_UNIT) ** 2
    return np.sqrt(squared / (len(STYLE_UNITS) + 1)) / taste("taste_width")


def _logit(tracks: pd.DataFrame, playlists: pd.DataFrame, pairwise: bool, hear: bool) -> np.ndarray:
    track_column, playlist_column = _aligners(pairwise)
    distance = sound_distance(tracks, playlists, pairwise) if hear else TYPICAL_DISTANCE

    affinities = playlists[[f"affinity_{g}" for g in GENRE_NAMES]].to_numpy(dtype=float)
    genre_index = pd.Index(GENRE_NAMES).get_indexer(tracks["genre"].to_numpy())
    if pairwise:
        affinity = affinities[np.arange(len(playlists)), genre_index]
    else:
        affinity = affinities.T[genre_index]
    same_scene = track_column(tracks["scene"].to_numpy(dtype=object)) == playlist_column(
        playlists["favourite_scene"].to_numpy(dtype=object)
    )
    scene = same_scene * playlist_column(playlists["scene_love"].to_numpy(dtype=float))
    log_popularity = track_column(np.log(tracks["artist_popularity"].to_numpy(dtype=float)))
    return (
        BASE
        - DISTANCE_WEIGHT * distance
        + GENRE_WEIGHT * np.log(len(GENRE_NAMES) * affinity)
        + scene
        + POPULARITY_WEIGHT * log_popularity
    )


def _aligners(pairwise: bool):
    """Shape track and playlist columns for aligned pairs (1-d) or all pairs (rows x columns)."""

    def track_column(values) -> np.ndarray:
        values = np.asarray(values)
        return values if pairwise else values[:, None]

    def playlist_column(values) -> np.ndarray:
        values = np.asarray(values)
        return values if pairwise else values[None, :]

    return track_column, playlist_column


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
