"""From raw pair inputs to the numbers LightGBM sees.

Audio features live on very different scales (Hz, dB, beats per minute), so they are
standardised with statistics of the training tracks before any distance is taken. The
scaler travels inside the logged model, which therefore needs nothing but raw inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NON_AUDIO_TRACK_COLUMNS = {"t_genre", "t_artist_popularity"}
# Model features that carry no sound: what the "no audio" ablation keeps, and the genre+popularity
# reference's inputs (the public facts a label could rank by without listening).
CONTEXT_FEATURES = (
    "genre_match",
    "artist_popularity",
    "playlist_log_followers",
    "playlist_history_tracks",
    "playlist_mean_engagement",
)
GENRE_POPULARITY_FEATURES = ("genre_match", "artist_popularity", "playlist_log_followers")


@dataclass(frozen=True)
class FeatureScaler:
    names: tuple[str, ...]
    means: tuple[float, ...]
    stds: tuple[float, ...]

    @classmethod
    def fit(cls, tracks: pd.DataFrame) -> FeatureScaler:
        names = tuple(audio_names(tracks))
        values = tracks[[f"t_{name}" for name in names]].to_numpy(dtype=float)
        stds = np.nanstd(values, axis=0)
        return cls(names, tuple(np.nanmean(values, axis=0)), tuple(np.where(stds > 0, stds, 1.0)))

    def standardise(self, frame: pd.DataFrame, prefix: str) -> np.ndarray:
        values = frame[[f"{prefix}{name}" for name in self.names]].to_numpy(dtype=float)
        return (values - np.array(self.means)) / np.array(self.stds)


def audio_names(frame: pd.DataFrame) -> list[str]:
    return [
        column[2:]
        for column in frame.columns
        if column.startswith("t_") and column not in NON_AUDIO_TRACK_COLUMNS
    ]


def cosine_similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    numerator = np.nansum(left * right, axis=1)
    norms = np.sqrt(np.nansum(left**2, axis=1) * np.nansum(right**2, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norms > 0, numerator / norms, np.nan)


def genre_match(track_genres: np.ndarray, playlist_genres: np.ndarray) -> np.ndarray:
    """1 where the catalog genre is known and equals the playlist's; a missing genre matches nothing."""
    track_genres = track_genres.astype(str)
    return ((track_genres == playlist_genres.astype(str)) & (track_genres != "")).astype(float)


def audio_features(feature_names) -> list[str]:
    """The model features computed from sound: everything but the context."""
    return [name for name in feature_names if name not in CONTEXT_FEATURES]


def model_features(pairs: pd.DataFrame, scaler: FeatureScaler) -> pd.DataFrame:
    """Distances and per-feature differences between track and profile, plus context."""
    track = scaler.standardise(pairs, "t_")
    profile = scaler.standardise(pairs, "p_")
    difference = track - profile
    columns = {
        "cosine_to_profile": cosine_similarity(track, profile),
        "distance_to_profile": np.sqrt(np.sum(difference**2, axis=1)),
        "genre_match": genre_match(pairs["t_genre"].to_numpy(), pairs["p_genre"].to_numpy()),
        "artist_popularity": pairs["t_artist_popularity"].to_numpy(dtype=float),
        "playlist_log_followers": pairs["p_log_followers"].to_numpy(dtype=float),
        "playlist_history_tracks": pairs["p_history_tracks"].to_numpy(dtype=float),
        "playlist_mean_engagement": pairs["p_engagement"].to_numpy(dtype=float),
        "sound_affinity": pairs["s_affinity"].to_numpy(dtype=float),
        "nearest_placed_similarity": pairs["s_nearest_similarity"].to_numpy(dtype=float),
        "nearest_placed_engagement": pairs["s_nearest_engagement"].to_numpy(dtype=float),
    }
    for index, name in enumerate(scaler.names):
        columns[f"abs_diff_{name}"] = np.abs(difference[:, index])
    return pd.DataFrame(columns, index=pairs.index)
