"""Candidate retrieval: the playlists worth asking the model about for each track.

Scoring every track against every playlist does not scale to a real catalog, so each track
gets the playlists whose sound profile is nearest to it, plus the most-followed ones (which
new artists are pitched to regardless of sound).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tastemaker.ranking.pair_features import FeatureScaler, cosine_similarity


def retrieve_candidates(
    tracks: pd.DataFrame, profiles: pd.DataFrame, playlists: pd.DataFrame, per_track: int, popular: int = 3
) -> pd.DataFrame:
    """(isrc, playlist_id) pairs: the `per_track` nearest profiles and the `popular` most-followed playlists."""
    scaler = FeatureScaler.fit(tracks)
    track_vectors = scaler.standardise(tracks, "t_")
    profile_vectors = np.nan_to_num(scaler.standardise(profiles, "p_"))
    playlist_ids = profiles["playlist_id"].to_numpy()
    nearest = min(per_track, len(playlist_ids))
    pairs = []
    for isrc, vector in zip(tracks["isrc"], track_vectors):
        similarity = cosine_similarity(np.broadcast_to(vector, profile_vectors.shape), profile_vectors)
        best = np.argsort(-np.nan_to_num(similarity, nan=-2.0), kind="stable")[:nearest]
        pairs.extend((isrc, playlist_id) for playlist_id in playlist_ids[best])
    most_followed = playlists.nlargest(popular, "followers")["playlist_id"]
    pairs.extend((isrc, playlist_id) for isrc in tracks["isrc"] for playlist_id in most_followed)
    return pd.DataFrame(pairs, columns=["isrc", "playlist_id"]).drop_duplicates(ignore_index=True)
