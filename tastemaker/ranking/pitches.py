"""From scored pairs to each artist's pitch list: business rules first, then the top K.

Rules (from `params.yaml`, section `publish`): never pitch a track to a playlist it is already
in, at most `max_pitches_per_playlist` pitches per artist to the same playlist, at most
`max_pitches_per_track` per track, `top_k` per artist.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from tastemaker.config import PublishParams


def select_pitches(scored: pd.DataFrame, rules: PublishParams) -> pd.DataFrame:
    """Greedy by score within each artist, skipping pairs that break a rule; adds `rank` (1 = pitch first)."""
    eligible = scored[~scored["already_placed"]].sort_values(
        ["artist_id", "score", "isrc", "playlist_id"], ascending=[True, False, True, True], kind="stable"
    )
    chosen = []
    for _, artist_pairs in eligible.groupby("artist_id", sort=True):
        per_playlist, per_track = Counter(), Counter()
        for row in artist_pairs.itertuples(index=False):
            if per_playlist[row.playlist_id] >= rules.max_pitches_per_playlist:
                continue
            if per_track[row.isrc] >= rules.max_pitches_per_track:
                continue
            per_playlist[row.playlist_id] += 1
            per_track[row.isrc] += 1
            rank = per_track.total()
            chosen.append({**row._asdict(), "rank": rank})
            if rank == rules.top_k:
                break
    return pd.DataFrame(chosen, columns=[*eligible.columns, "rank"]).drop(columns="already_placed")


def mark_control(pitches: pd.DataFrame, share: float, seed: int, run_date: str) -> pd.Series:
    """A reproducible random control group: these pitches are published but must not be pitched.

    The draw is a hash of (seed, run date, track, playlist), so re-publishing a date gives the
    same assignment, and measuring the promotion effect later can compare like with like.
    """
    keys = pitches["isrc"].astype(str) + "|" + pitches["playlist_id"].astype(str) + f"|{seed}|{run_date}"
    uniform = pd.util.hash_pandas_object(keys, index=False).to_numpy() / float(2**64)
    return pd.Series(uniform < share, index=pitches.index, name="is_control")
