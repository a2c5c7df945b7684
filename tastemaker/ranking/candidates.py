"""Candidate retrieval: the playlists worth asking the model about for each track.

Scoring every track against every playlist does not scale to a real catalog, so each track
gets the playlists whose sound profile is nearest to it, the playlists the learned sound space
predicts would take it best (see `ranking.sound_space`), and the most-followed ones (which new
artists are pitched to regardless of sound).

Nearness is the cosine between standardised vectors (a missing feature counts as the
average, zero). Rows are scaled to unit length once, so one matrix product gives a whole
block of tracks against every profile; a block's size bounds the memory, whatever the catalog.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tastemaker.ranking.pair_features import FeatureScaler
from tastemaker.ranking.sound_space import SoundSpace

TRACKS_PER_BLOCK = (
    2048  # a block's similarity matrix: 2,048 x playlists x 8 bytes (80 MB for 5,000 playlists)
)
NO_SIMILARITY = -2.0  # below any cosine: a track or profile without a direction ranks last


def retrieve_candidates(
    tracks: pd.DataFrame,
    profiles: pd.DataFrame,
    playlists: pd.DataFrame,
    per_track: int,
    popular: int = 3,
    space: SoundSpace | None = None,
) -> pd.DataFrame:
    """(isrc, playlist_id) pairs: the `per_track` nearest profiles, the `per_track` best by the sound
    space (when there is one) and the `popular` most-followed playlists, all among `playlists` only
    (the pitchable ones: the evidence may know others)."""
    profiles = profiles[profiles["playlist_id"].isin(playlists["playlist_id"])]
    scaler = FeatureScaler.fit(tracks)
    track_units = unit_rows(scaler.standardise(tracks, "t_"))
    profile_units = unit_rows(scaler.standardise(profiles, "p_"))
    playlist_ids = profiles["playlist_id"].to_numpy()
    nearest = min(per_track, len(playlist_ids))
    isrcs = tracks["isrc"].to_numpy()
    chosen = [
        nearest_profiles(track_units[start : start + TRACKS_PER_BLOCK], profile_units, nearest)
        for start in range(0, len(isrcs), TRACKS_PER_BLOCK)
    ]
    best = np.concatenate(chosen) if chosen else np.empty((0, nearest), dtype=np.intp)
    by_sound = pd.DataFrame({"isrc": np.repeat(isrcs, nearest), "playlist_id": playlist_ids[best.ravel()]})
    most_followed = playlists.nlargest(popular, "followers")["playlist_id"].to_numpy()
    by_followers = pd.DataFrame(
        {"isrc": np.repeat(isrcs, len(most_followed)), "playlist_id": np.tile(most_followed, len(isrcs))}
    )
    found = [by_sound, by_followers]
    if space is not None:
        found.append(best_by_space(tracks, space, per_track, playlists["playlist_id"]))
    return pd.concat(found, ignore_index=True).drop_duplicates(ignore_index=True)


def best_by_space(
    tracks: pd.DataFrame, space: SoundSpace, per_track: int, pitchable: pd.Series
) -> pd.DataFrame:
    """Per track, the `per_track` pitchable playlists with the highest predicted affinity, block by block."""
    isrcs = tracks["isrc"].to_numpy()
    allowed = np.isin(space.playlist_ids, pitchable.to_numpy())
    count = min(per_track, int(allowed.sum()))
    if count == 0:
        return pd.DataFrame(columns=["isrc", "playlist_id"])
    chosen = []
    for start in range(0, len(isrcs), TRACKS_PER_BLOCK):
        predicted = space.regression.predict(space.standardise(tracks.iloc[start : start + TRACKS_PER_BLOCK]))
        predicted[:, ~allowed] = -np.inf
        chosen.append(
            np.argpartition(-predicted, count - 1, axis=1)[:, :count]
            if count < predicted.shape[1]
            else np.broadcast_to(np.arange(predicted.shape[1]), predicted.shape)
        )
    best = np.concatenate(chosen) if chosen else np.empty((0, count), dtype=np.intp)
    return pd.DataFrame({"isrc": np.repeat(isrcs, count), "playlist_id": space.playlist_ids[best.ravel()]})


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (missing values as 0); an all-zero row stays zero."""
    filled = np.nan_to_num(vectors)
    norms = np.linalg.norm(filled, axis=1, keepdims=True)
    return np.divide(filled, norms, out=np.zeros_like(filled), where=norms > 0)


def nearest_profiles(track_units: np.ndarray, profile_units: np.ndarray, k: int) -> np.ndarray:
    """Per track row, the indices of the `k` most similar profiles, best first (ties: lower index first)."""
    similarity = track_units @ profile_units.T
    similarity[:, ~profile_units.any(axis=1)] = NO_SIMILARITY
    similarity[~track_units.any(axis=1), :] = NO_SIMILARITY
    if k < similarity.shape[1]:
        top = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
    else:
        top = np.broadcast_to(np.arange(similarity.shape[1]), similarity.shape)
    top_similarity = np.take_along_axis(similarity, top, axis=1)
    order = np.lexsort((top, -top_similarity), axis=1)
    return np.take_along_axis(top, order, axis=1)
