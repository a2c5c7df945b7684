"""The raw inputs of the ranker: one row per (track, playlist) pair.

A pair row carries the track's audio features (`t_*`), the playlist's sound profile (`p_*`:
the mean audio features of the tracks it has played, and how they did) and metadata. The
model derives everything else from these columns itself, so `models:/...@champion` scores
raw inputs and training and scoring cannot drift apart.

Training pairs get profiles built without the query's own placements (out of fold, see
`ranking.dataset`): otherwise a placed track would always look like its own playlist, and its
outcome would leak into the profile's mean engagement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tastemaker.ranking.sound_space import SOUND_SPACE_COLUMNS, SoundSpace, fit_sound_space

PROFILE_EXTRAS = ["engagement"]


def audio_feature_columns(features: pd.DataFrame) -> list[str]:
    return [column for column in features.columns if column != "isrc"]


def artist_popularity(streams: pd.DataFrame, catalog: pd.DataFrame) -> pd.Series:
    """log1p of all streams of the artist's tracks: a rough, leakage-free popularity (given past streams)."""
    per_track = streams.groupby("isrc")["streams"].sum()
    per_artist = (
        catalog.assign(streams=catalog["isrc"].map(per_track).fillna(0)).groupby("artist_id")["streams"].sum()
    )
    return np.log1p(per_artist)


def track_inputs(catalog: pd.DataFrame, features: pd.DataFrame, popularity: pd.Series) -> pd.DataFrame:
    columns = audio_feature_columns(features)
    # One float block: an integer column could not carry a missing value through the model's schema.
    audio = pd.DataFrame(features[columns].to_numpy(dtype=float), columns=[f"t_{c}" for c in columns])
    audio.insert(0, "isrc", features["isrc"].to_numpy())
    tracks = catalog[["isrc", "artist_id", "genre"]].merge(audio, on="isrc")
    tracks["t_genre"] = tracks["genre"].fillna("").astype(str)
    tracks["t_artist_popularity"] = tracks["artist_id"].map(popularity).fillna(0.0).astype(float)
    return tracks.drop(columns=["artist_id", "genre"])


def profile_sums(placed: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """Per playlist: sums and count of its placed tracks' features and engagement (sums, so that a profile
    without some tracks is a subtraction away)."""
    columns = audio_feature_columns(features) + PROFILE_EXTRAS
    joined = placed[["isrc", "playlist_id", "engagement"]].merge(features, on="isrc", how="inner")
    sums = joined.groupby("playlist_id")[columns].sum()
    sums["count"] = joined.groupby("playlist_id").size()
    return sums


@dataclass
class PlaylistEvidence:
    """What the placements known on one day say about each playlist: profile sums and the learned sound space."""

    sums: pd.DataFrame
    space: SoundSpace | None


def playlist_evidence(
    placed: pd.DataFrame, tracks: pd.DataFrame, features: pd.DataFrame, playlist_ids: np.ndarray
) -> PlaylistEvidence:
    return PlaylistEvidence(profile_sums(placed, features), fit_sound_space(tracks, placed, playlist_ids))


def pair_inputs(
    pairs: pd.DataFrame, tracks: pd.DataFrame, playlists: pd.DataFrame, evidence: PlaylistEvidence
) -> pd.DataFrame:
    """Assemble raw model inputs for `pairs` (isrc, playlist_id) from one day's evidence (the sound
    space's columns stay missing when there were too few placements to fit it)."""
    sums = evidence.sums
    profile_columns = [column for column in sums.columns if column != "count"]
    frame = pairs[["isrc", "playlist_id"]].merge(tracks, on="isrc", how="inner")
    totals = sums.reindex(frame["playlist_id"])
    totals_values = totals[profile_columns].to_numpy(dtype=float, na_value=0.0)
    counts = totals["count"].fillna(0).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts[:, None] > 0, totals_values / counts[:, None], np.nan)
    meta = playlists.set_index("playlist_id").reindex(frame["playlist_id"])
    profile = pd.DataFrame(means, columns=[f"p_{column}" for column in profile_columns], index=frame.index)
    profile["p_history_tracks"] = counts
    profile["p_genre"] = meta["genre"].fillna("").astype(str).to_numpy()
    profile["p_log_followers"] = np.log1p(meta["followers"].fillna(0).to_numpy(dtype=float))
    if evidence.space is None:
        sound = pd.DataFrame(np.nan, index=frame.index, columns=SOUND_SPACE_COLUMNS)
    else:
        sound = evidence.space.pair_inputs(frame)
    return pd.concat([frame, profile, sound], axis=1)


def profile_means(sums: pd.DataFrame) -> pd.DataFrame:
    """Per playlist: the mean audio features (`p_*`) of its placed tracks."""
    columns = [column for column in sums.columns if column != "count"]
    means = sums[columns].div(sums["count"], axis=0)
    return means.add_prefix("p_").reset_index()
