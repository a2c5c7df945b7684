"""Expected streams of a pitch: a band a label manager can plan with, not a promise.

For each playlist, the past placements whose first `window_days` days are fully in the reports
tell what a placement there brings: the band is the 25th to 75th percentile of their playlist
streams over those first days. A playlist with fewer than `min_placements` such placements
borrows the whole market's rate instead: the same percentiles of streams per follower, times
its followers.

The band is then scaled by how strong the pitch is among all pitches: its score's quantile
q = (rank - 0.5) / pitches, between 0 (weakest) and 1 (strongest), multiplies it by (0.5 + q),
so a median pitch gets the playlist's plain interquartile range, the strongest up to half as
much again and the weakest down to half. The scaling is a simple
ordering device, not a calibrated forecast: the model ranks, it does not predict streams.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BAND_QUANTILES = (0.25, 0.75)


def expected_streams(
    pitches: pd.DataFrame,
    streams: pd.DataFrame,
    playlists: pd.DataFrame,
    window_days: int = 14,
    min_placements: int = 3,
) -> pd.DataFrame:
    """`expected_streams_low` and `expected_streams_high` (whole streams) per pitch, aligned with `pitches`."""
    early = first_days_streams(streams, window_days)
    followers = playlists.set_index("playlist_id")["followers"].astype(float)
    low_q, high_q = BAND_QUANTILES
    per_playlist = early.groupby("playlist_id")["streams"]
    counts = per_playlist.size()
    known = counts.index[counts >= min_placements]
    own = per_playlist.quantile(list(BAND_QUANTILES)).unstack().reindex(known)
    per_follower = early["streams"] / early["playlist_id"].map(followers).clip(lower=1).to_numpy()
    market_low, market_high = (
        per_follower.quantile(list(BAND_QUANTILES)).to_numpy() if len(early) else (0.0, 0.0)
    )
    playlist_ids = pitches["playlist_id"]
    pitch_followers = playlist_ids.map(followers).fillna(0).to_numpy(dtype=float)
    low = playlist_ids.map(own[low_q]).to_numpy(dtype=float, na_value=np.nan)
    high = playlist_ids.map(own[high_q]).to_numpy(dtype=float, na_value=np.nan)
    borrowed = np.isnan(low)
    low = np.where(borrowed, market_low * pitch_followers, low)
    high = np.where(borrowed, market_high * pitch_followers, high)
    quantile = (pitches["score"].rank(method="average").to_numpy(dtype=float) - 0.5) / max(len(pitches), 1)
    strength = 0.5 + quantile
    return pd.DataFrame(
        {
            "expected_streams_low": np.floor(low * strength).astype("int64"),
            "expected_streams_high": np.ceil(high * strength).astype("int64"),
        },
        index=pitches.index,
    )


def first_days_streams(streams: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """Per past placement (isrc, playlist_id) whose first `window_days` days are all reported: their streams."""
    from_playlists = streams[streams["playlist_id"].notna() & (streams["playlist_id"] != "")]
    dates = pd.to_datetime(from_playlists["date"])
    keys = [from_playlists["isrc"], from_playlists["playlist_id"]]
    first = dates.groupby(keys).transform("min")
    in_window = (dates - first) < pd.Timedelta(days=window_days)
    last_report = dates.max() if len(dates) else pd.NaT
    complete = first + pd.Timedelta(days=window_days - 1) <= last_report
    chosen = from_playlists[(in_window & complete).to_numpy()]
    return chosen.groupby(["isrc", "playlist_id"], as_index=False)["streams"].sum()
