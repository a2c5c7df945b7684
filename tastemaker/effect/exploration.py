"""The random-choice arm: a seeded share of pitch slots goes to a candidate drawn at random.

Pitching anything at all gets some placements, so comparing pitched with unpitched
recommendations shows that pitching works, not that the model chooses well. Slots filled by a
uniformly random eligible candidate tell what a choice without the model achieves; the model's
lift is measured against them (see `tastemaker.effect.estimation`).

The draw is a hash of (seed, run date, artist, rank), like the control group's, so re-publishing
a date reproduces the same exploration slots and the same random candidates.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd


def explore(
    pitches: pd.DataFrame,
    scored: pd.DataFrame,
    share: float,
    seed: int,
    run_date: str,
    max_per_playlist: int,
    max_per_track: int,
) -> pd.DataFrame:
    """Replace a `share` of each publication's pitch slots by random candidates; adds `is_explore`.

    `pitches` are the chosen pairs (artist_id, rank, isrc, playlist_id, score, ...), `scored` every
    candidate pair with `already_placed`. A random candidate is an unplaced pair of the same artist
    that is not in the artist's list yet and keeps the list within the publication's caps (pitches
    per playlist and per track, counted without the slot being replaced). A slot keeps the model's
    pick when no candidate is left.
    """
    keys = (
        pitches["artist_id"].astype(str) + "|" + pitches["rank"].astype(str) + f"|{seed}|{run_date}|explore"
    )
    uniform = pd.util.hash_pandas_object(keys, index=False).to_numpy() / float(2**64)
    explored = pitches.copy()
    isrcs = explored["isrc"].to_numpy(dtype=object).copy()
    playlist_ids = explored["playlist_id"].to_numpy(dtype=object).copy()
    scores = explored["score"].to_numpy(dtype=float).copy()
    is_explore = np.zeros(len(explored), dtype=bool)
    unplaced = scored[~scored["already_placed"]]
    candidate_isrcs, candidate_playlists = unplaced["isrc"].to_numpy(), unplaced["playlist_id"].to_numpy()
    candidate_scores = unplaced["score"].to_numpy()
    pool_of = {
        artist_id: list(zip(candidate_isrcs[rows], candidate_playlists[rows], candidate_scores[rows]))
        for artist_id, rows in unplaced.groupby("artist_id").indices.items()
    }
    slots_of = explored.groupby("artist_id").indices
    artist_ids = explored["artist_id"].to_numpy()
    for row in np.flatnonzero(uniform < share):
        mine = slots_of[artist_ids[row]]
        listed = set(zip(isrcs[mine], playlist_ids[mine]))
        others = mine[mine != row]
        per_playlist, per_track = Counter(playlist_ids[others]), Counter(isrcs[others])
        pool = [
            candidate
            for candidate in pool_of.get(artist_ids[row], [])
            if candidate[:2] not in listed
            and per_playlist[candidate[1]] < max_per_playlist
            and per_track[candidate[0]] < max_per_track
        ]
        if not pool:
            continue
        isrcs[row], playlist_ids[row], scores[row] = pool[int(uniform[row] / share * len(pool)) % len(pool)]
        is_explore[row] = True
    return explored.assign(isrc=isrcs, playlist_id=playlist_ids, score=scores, is_explore=is_explore)
