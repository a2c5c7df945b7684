"""The random-choice arm: a seeded share of pitch slots goes to a candidate drawn at random.

Pitching anything at all gets some placements, so comparing pitched with unpitched
recommendations shows that pitching works, not that the model chooses well. Slots filled by a
uniformly random eligible candidate tell what a choice without the model achieves; the model's
lift is measured against them (see `tastemaker.effect.estimation`).

The draw is a hash of (seed, run date, artist, rank), like the control group's, so re-publishing
a date reproduces the same exploration slots and the same random candidates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def explore(pitches: pd.DataFrame, scored: pd.DataFrame, share: float, seed: int, run_date: str,
            max_per_playlist: int, max_per_track: int) -> pd.DataFrame:
    """Replace a `share` of each publication's pitch slots by random candidates; adds `is_explore`.

    `pitches` are the chosen pairs (artist_id, rank, isrc, playlist_id, score, ...), `scored` every
    candidate pair with `already_placed`. A random candidate is an unplaced pair of the same artist
    that is not in the artist's list yet and keeps the list within the publication's caps (pitches
    per playlist and per track, counted without the slot being replaced). A slot keeps the model's
    pick when no candidate is left.
    """
    keys = pitches["artist_id"].astype(str) + "|" + pitches["rank"].astype(str) + f"|{seed}|{run_date}|explore"
    uniform = pd.util.hash_pandas_object(keys, index=False).to_numpy() / float(2**64)
    explored = pitches.copy()
    explored["is_explore"] = False
    unplaced = scored[~scored["already_placed"]]
    candidates_of = {artist_id: unplaced.iloc[rows] for artist_id, rows in unplaced.groupby("artist_id").indices.items()}
    no_candidates = unplaced.iloc[:0]
    for row in np.flatnonzero(uniform < share):
        artist_id = explored.at[explored.index[row], "artist_id"]
        mine = explored["artist_id"] == artist_id
        listed = explored.loc[mine, ["isrc", "playlist_id"]]
        others = listed.drop(index=explored.index[row])
        pool = candidates_of.get(artist_id, no_candidates)
        pool = pool[~pool.set_index(["isrc", "playlist_id"]).index.isin(pd.MultiIndex.from_frame(listed))]
        pool = pool[pool["playlist_id"].map(others["playlist_id"].value_counts()).fillna(0) < max_per_playlist]
        pool = pool[pool["isrc"].map(others["isrc"].value_counts()).fillna(0) < max_per_track]
        if pool.empty:
            continue
        pick = pool.iloc[int(uniform[row] / share * len(pool)) % len(pool)]
        label = explored.index[row]
        explored.loc[label, ["isrc", "playlist_id", "score"]] = [pick["isrc"], pick["playlist_id"], pick["score"]]
        explored.loc[label, "is_explore"] = True
    return explored
