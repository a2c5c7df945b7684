"""Batch scoring: every track of the catalog against its retrieved candidate playlists.

Profiles and popularity use every report up to the as-of date; unreleased tracks, which have
no reports, are scored from their audio alone like any other track.
"""

from __future__ import annotations

import pandas as pd

from tastemaker.ranking import inputs, outcomes
from tastemaker.ranking.candidates import retrieve_candidates


def score_catalog(model, catalog, playlists, streams, features, candidates_per_track: int) -> pd.DataFrame:
    """(isrc, playlist_id, artist_id, score, already_placed) for every candidate pair."""
    placed = outcomes.placements(streams, playlists)
    tracks = inputs.track_inputs(catalog, features, inputs.artist_popularity(streams, catalog))
    sums = inputs.profile_sums(placed, features)
    pairs = retrieve_candidates(tracks, inputs.profile_means(sums), playlists, candidates_per_track)
    raw = inputs.pair_inputs(pairs, tracks, playlists, sums)
    scored = raw[["isrc", "playlist_id"]].assign(score=model.predict(raw))
    placed_keys = placed.set_index(["isrc", "playlist_id"]).index
    scored["already_placed"] = scored.set_index(["isrc", "playlist_id"]).index.isin(placed_keys)
    return scored.merge(catalog[["isrc", "artist_id"]], on="isrc")
