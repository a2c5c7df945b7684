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
    return [column[2:] for column in frame.columns if column.startswith("t_") and column not in NON_AUDIO_TRACK_COLUMNS]


def cosine_similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    numerator = np.nansum(left * right, axis=1)
    norms = np.sqrt(np.nansum(left**2, axis=1) * np.nansum(right**2, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norms > 0, numerator / norms, np.nan)


def model_features(pairs: pd.DataFrame, scaler: FeatureScaler) -> pd.DataFrame:
    """Distances and per-feature differences between track and profile, plus context."""
    track = scaler.standardise(pairs, "t_")
    profile = scaler.standardise(pairs, "p_")
    difference = track - profile
    columns = {
        "cosine_to_profile": cosine_similarity(track, profile),
        "distance_to_profile": np.sqrt(np.sum(difference**2, axis=1)),
        "genre_match": (pairs["t_genre"].to_numpy() == pairs["p_genre"].to_numpy()).astype(float),
        "artist_popularity": pairs["t_artist_popularity"].to_numpy(dtype=float),
        "playlist_log_followers": pairs["p_log_followers"].to_numpy(dtype=float),
        "playlist_history_tracks": pairs["p_history_tracks"].to_numpy(dtype=float),
        "playlist_mean_engagement": pairs["p_engagement"].to_numpy(dtype=float),
    }
    for index, name in enumerate(scaler.names):
        columns[f"abs_diff_{name}"] = np.abs(difference[:, index])
    return pd.DataFrame(columns, index=pairs.index)
