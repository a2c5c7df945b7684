"""What happened to each published recommendation in the days after its publication.

The outcome window of a publication made on run date d is the `window_days` report dates
d+1 .. d+window_days. A recommendation is measured only once reports cover its whole window;
until then it is pending, so a half-observed window never dilutes an estimate.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

COUNTS = ["streams", "saves", "skips"]
PER_FOLLOWER = "in_playlist_streams_per_1k_followers"


def recommendation_outcomes(
    recommendations: pd.DataFrame, streams: pd.DataFrame, followers: pd.Series, window_days: int
) -> pd.DataFrame:
    """One row per measured recommendation: its arm and its outcomes in the window.

    Columns added: `in_playlist_<streams|saves|skips>` (the track streamed from the recommended
    playlist), `track_<streams|saves|skips>` (the track anywhere), `started` (the track streamed
    from that playlist at all: the observable sign that a pitch was accepted), the two skip
    rates (NaN without streams), and `in_playlist_streams_per_1k_followers`: in-playlist streams
    relative to the playlist's audience (`followers`, indexed by playlist_id; NaN for a playlist
    it lacks). Stream counts follow playlist sizes, whose tail is so heavy that a few large
    playlists decide any mean; per follower, the outcome measures the fit a pitch found.
    `is_explore` defaults to False for publications made before the exploration arm existed.
    """
    recs = recommendations.copy()
    recs["run_date"] = pd.to_datetime(recs["run_date"]).dt.normalize()
    if "is_explore" not in recs.columns:
        recs["is_explore"] = False
    recs["is_control"] = recs["is_control"].astype(bool)
    recs["is_explore"] = recs["is_explore"].astype(bool)
    last_report = pd.to_datetime(streams["date"]).max() if len(streams) else pd.NaT
    window = pd.Timedelta(days=window_days)
    recs = recs[recs["run_date"] + window <= last_report].reset_index(drop=True)

    reports = streams.assign(date=pd.to_datetime(streams["date"]).dt.normalize())
    reports = reports[reports["isrc"].isin(recs["isrc"])]
    in_window = _reports_in_window(recs, reports, window)

    in_playlist = in_window[in_window["playlist_id"] == in_window["recommended_playlist"]]
    recs = recs.join(in_playlist.groupby("rec")[COUNTS].sum().add_prefix("in_playlist_"))
    recs = recs.join(in_window.groupby("rec")[COUNTS].sum().add_prefix("track_"))
    measured = [f"{scope}_{count}" for scope in ("in_playlist", "track") for count in COUNTS]
    recs[measured] = recs[measured].fillna(0).astype("int64")
    recs["started"] = recs["in_playlist_streams"] > 0
    audience = recs["playlist_id"].map(followers).to_numpy(dtype=float)
    recs[PER_FOLLOWER] = np.divide(
        1000 * recs["in_playlist_streams"].to_numpy(dtype=float),
        audience,
        out=np.full(len(recs), np.nan),
        where=audience > 0,
    )
    for scope in ("in_playlist", "track"):
        plays = recs[f"{scope}_streams"].to_numpy(dtype=float)
        recs[f"{scope}_skip_rate"] = np.divide(
            recs[f"{scope}_skips"].to_numpy(dtype=float),
            plays,
            out=np.full(len(recs), np.nan),
            where=plays > 0,
        )
    return recs


def _reports_in_window(recs: pd.DataFrame, reports: pd.DataFrame, window: pd.Timedelta) -> pd.DataFrame:
    """Every report row of a recommended track inside that recommendation's window, tagged with it."""
    keyed = recs[["isrc", "playlist_id", "run_date"]].rename(columns={"playlist_id": "recommended_playlist"})
    joined = keyed.reset_index(names="rec").merge(reports, on="isrc")
    inside = (joined["date"] > joined["run_date"]) & (joined["date"] <= joined["run_date"] + window)
    return joined[inside]


def pending_count(recommendations: pd.DataFrame, streams: pd.DataFrame, window_days: int) -> int:
    """Recommendations whose window the reports do not cover yet."""
    if recommendations.empty:
        return 0
    last_report = pd.to_datetime(streams["date"]).max() if len(streams) else pd.NaT
    ends = pd.to_datetime(recommendations["run_date"]) + dt.timedelta(days=window_days)
    return int((~(ends <= last_report)).sum())
