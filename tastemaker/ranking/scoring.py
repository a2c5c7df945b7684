"""Batch scoring: every track of the catalog against its retrieved candidate playlists.

Profiles and popularity use every report up to the as-of date; unreleased tracks, which have
no reports, are scored from their audio alone like any other track. Artists are scored in
batches; when a batch fails, its artists are retried one by one, so one artist's bad data is
reported and never costs the others their pitches.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tastemaker.ranking import inputs, outcomes
from tastemaker.ranking.candidates import retrieve_candidates


@dataclass
class ScoredCatalog:
    scores: pd.DataFrame  # isrc, playlist_id, artist_id, score, already_placed
    failures: pd.DataFrame  # artist_id, error


def score_catalog(model, catalog, playlists, streams, features, candidates_per_track: int,
                  artists_per_batch: int = 200) -> ScoredCatalog:
    placed = outcomes.placements(streams, playlists)
    tracks = inputs.track_inputs(catalog, features, inputs.artist_popularity(streams, catalog))
    sums = inputs.profile_sums(placed, features)
    pairs = retrieve_candidates(tracks, inputs.profile_means(sums), playlists, candidates_per_track)
    pairs = pairs.merge(catalog[["isrc", "artist_id"]], on="isrc")
    artists = sorted(pairs["artist_id"].unique())
    scored, failures = [], []
    for start in range(0, len(artists), artists_per_batch):
        batch = artists[start:start + artists_per_batch]
        try:
            scored.append(_score(model, pairs[pairs["artist_id"].isin(batch)], tracks, playlists, sums))
        except Exception:  # isolate the failing artist(s) below, with their own error
            for artist_id in batch:
                try:
                    scored.append(_score(model, pairs[pairs["artist_id"] == artist_id], tracks, playlists, sums))
                except Exception as error:
                    failures.append({"artist_id": artist_id, "error": f"{type(error).__name__}: {error}"[:500]})
    columns = ["isrc", "playlist_id", "artist_id", "score"]
    result = pd.concat(scored, ignore_index=True) if scored else pd.DataFrame(columns=columns)
    placed_keys = placed.set_index(["isrc", "playlist_id"]).index
    result["already_placed"] = result.set_index(["isrc", "playlist_id"]).index.isin(placed_keys)
    return ScoredCatalog(result, pd.DataFrame(failures, columns=["artist_id", "error"]))


def _score(model, pairs: pd.DataFrame, tracks, playlists, sums) -> pd.DataFrame:
    raw = inputs.pair_inputs(pairs[["isrc", "playlist_id"]], tracks, playlists, sums)
    return raw[["isrc", "playlist_id"]].merge(pairs, on=["isrc", "playlist_id"]).assign(score=model.predict(raw))
