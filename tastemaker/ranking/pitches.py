"""From scored pairs to each artist's pitch list: business rules first, then the top K.

Territory eligibility comes first, on the candidates themselves (`in_territories`), so every
later choice, the random exploration slots included, respects it: given the label's licensed
territories (`eligible_territories`, ISO 3166 alpha-2, any case), only playlists whose
`territory` (from the `playlists` table) is one of them are pitched; a playlist with no territory
is not pitched then. An empty list means every territory.

Then rules applied to every artist on its own:
- never pitch a track to a playlist it is already in (`already_placed`);
- at most `max_pitches_per_playlist` pitches per artist to the same playlist and at most
  `max_pitches_per_track` per track (from `params.yaml`, section `publish`);
- `top_k` pitches per artist.

The caps are applied greedily: walking an artist's pairs from the best score down, a pair is
taken unless an earlier taken pair already filled its playlist's or its track's cap. Whether a
pair is taken depends on the pairs taken before it, so the walk is one compiled loop over
integer codes rather than a pandas expression; it visits every pair once.
"""

from __future__ import annotations

import numba
import numpy as np
import pandas as pd

from tastemaker.config import PublishParams


def select_pitches(scored: pd.DataFrame, rules: PublishParams) -> pd.DataFrame:
    """Each artist's pitches (the columns of `scored` but `already_placed`, plus `rank`: 1 = pitch first)."""
    eligible = scored[~scored["already_placed"].to_numpy(dtype=bool)]
    artist = pd.factorize(eligible["artist_id"], sort=True)[0]
    track = pd.factorize(eligible["isrc"], sort=True)[0]
    playlist = pd.factorize(eligible["playlist_id"], sort=True)[0]
    order = np.lexsort((playlist, track, -eligible["score"].to_numpy(dtype=float), artist))
    artist_playlist = pd.factorize(
        artist[order].astype(np.int64) * (playlist.max(initial=0) + 1) + playlist[order]
    )[0]
    ranks = _greedy_ranks(
        artist[order],
        artist_playlist,
        track[order],
        rules.max_pitches_per_playlist,
        rules.max_pitches_per_track,
        rules.top_k,
    )
    taken = ranks > 0
    pitches = eligible.iloc[order[taken]].drop(columns="already_placed").reset_index(drop=True)
    pitches["rank"] = ranks[taken]
    return pitches


def in_territories(
    playlist_ids: pd.Series, playlists: pd.DataFrame | None, territories: list[str]
) -> np.ndarray:
    """Which of `playlist_ids` are in one of the licensed `territories` (all of them when none are listed)."""
    if not territories:
        return np.ones(len(playlist_ids), dtype=bool)
    if playlists is None:
        raise ValueError("eligible_territories needs the playlists table (playlist_id, territory)")
    territory = playlists.set_index("playlist_id")["territory"].astype("string").str.strip().str.upper()
    licensed = {code.strip().upper() for code in territories}
    return playlist_ids.map(territory).isin(licensed).to_numpy(dtype=bool)


@numba.njit(cache=True)
def _greedy_ranks(artist, artist_playlist, track, per_playlist, per_track, top_k):
    """Rank of each pair (0 = not pitched), the pairs sorted by artist then best score first."""
    ranks = np.zeros(artist.size, dtype=np.int64)
    playlist_counts = np.zeros(artist_playlist.max() + 1 if artist.size else 1, dtype=np.int64)
    track_counts = np.zeros(track.max() + 1 if artist.size else 1, dtype=np.int64)
    current_artist, taken = -1, 0
    for row in range(artist.size):
        if artist[row] != current_artist:
            current_artist, taken = artist[row], 0
        if taken >= top_k:
            continue
        if playlist_counts[artist_playlist[row]] >= per_playlist or track_counts[track[row]] >= per_track:
            continue
        playlist_counts[artist_playlist[row]] += 1
        track_counts[track[row]] += 1
        taken += 1
        ranks[row] = taken
    return ranks


def mark_control(pitches: pd.DataFrame, share: float, seed: int, run_date: str) -> pd.Series:
    """A reproducible random control group: these pitches are published but must not be pitched.

    The draw is a hash of (seed, run date, track, playlist), so re-publishing a date gives the
    same assignment, and measuring the promotion effect later can compare like with like.
    """
    keys = pitches["isrc"].astype(str) + "|" + pitches["playlist_id"].astype(str) + f"|{seed}|{run_date}"
    uniform = pd.util.hash_pandas_object(keys, index=False).to_numpy() / float(2**64)
    return pd.Series(uniform < share, index=pitches.index, name="is_control")
