"""Similar artists, as published beside the pitches: who sounds like whom, and who shares listeners.

Two signals, each in [0, 1]:
- audio: cosine similarity of the artists' mean track embeddings (nearest neighbours from the
  features stage's index, `tastemaker.audio.similar_artists`);
- co-listening: the Jaccard overlap of the sets of playlists the two artists' tracks were placed in.

    similarity = (1 - w) * audio + w * co_listening,   w = publish.co_listening_weight

Candidates are the audio neighbours (twice as many as published), re-ranked by the blend, so an
artist with no placements yet still gets sound-alikes.
"""

from __future__ import annotations

import pandas as pd

from tastemaker.audio import similar_artists as audio_neighbours

COLUMNS = ["artist_id", "rank", "similar_artist_id", "similarity", "audio_similarity", "co_listening"]


def co_listening(placed: pd.DataFrame, catalog: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """Jaccard overlap of placement playlists for each (artist_id, similar_artist_id) row of `pairs`."""
    with_artist = placed[["isrc", "playlist_id"]].merge(catalog[["isrc", "artist_id"]], on="isrc")
    playlists_of = with_artist.groupby("artist_id")["playlist_id"].agg(frozenset)
    empty = frozenset()

    def jaccard(left, right) -> float:
        union = playlists_of.get(left, empty) | playlists_of.get(right, empty)
        return (
            len(playlists_of.get(left, empty) & playlists_of.get(right, empty)) / len(union) if union else 0.0
        )

    return pd.Series(
        [jaccard(a, b) for a, b in zip(pairs["artist_id"], pairs["similar_artist_id"])],
        index=pairs.index,
        dtype=float,
    )


def similar_artists(
    features: pd.DataFrame, catalog: pd.DataFrame, placed: pd.DataFrame, k: int, co_listening_weight: float
) -> pd.DataFrame:
    candidates = audio_neighbours(features, catalog, 2 * k).rename(columns={"similarity": "audio_similarity"})
    candidates = candidates[candidates["artist_id"] != candidates["similar_artist_id"]].copy()
    candidates["audio_similarity"] = candidates["audio_similarity"].clip(0, 1)
    candidates["co_listening"] = co_listening(placed, catalog, candidates)
    candidates["similarity"] = (1 - co_listening_weight) * candidates[
        "audio_similarity"
    ] + co_listening_weight * candidates["co_listening"]
    ranked = candidates.sort_values(
        ["artist_id", "similarity", "similar_artist_id"], ascending=[True, False, True], kind="stable"
    )
    ranked = ranked.groupby("artist_id", sort=False).head(k)
    ranked["rank"] = ranked.groupby("artist_id", sort=False).cumcount() + 1
    return ranked[COLUMNS].reset_index(drop=True)
