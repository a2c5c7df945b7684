"""The time-based split: learn from placements before a cut-off, evaluate on those after it.

Everything the features use (playlist profiles, artist popularity, grade thresholds) is
computed from reports dated before the cut-off, so the holdout is judged as it would have been
on the cut-off day. Holdout tracks are mostly new releases: judged from their audio alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tastemaker.ranking import inputs, outcomes


@dataclass
class RankingData:
    training: pd.DataFrame  # raw pair inputs + engagement + grade, one query per isrc
    holdout: pd.DataFrame
    cutoff: pd.Timestamp
    grade_thresholds: list[float]


def as_of_date(streams: pd.DataFrame) -> pd.Timestamp:
    """The day the data describes: the latest report date (the pipeline's clock, not the wall clock)."""
    return pd.Timestamp(streams["date"].max())


def split_by_time(
    catalog: pd.DataFrame, playlists: pd.DataFrame, streams: pd.DataFrame, features: pd.DataFrame, holdout_days: int
) -> RankingData:
    cutoff = as_of_date(streams) - pd.Timedelta(days=holdout_days)
    dates = pd.to_datetime(streams["date"])
    before, after = streams[dates < cutoff], streams[dates >= cutoff]
    past = outcomes.placements(before, playlists)
    future = outcomes.placements(after, playlists)
    future = future[~future.set_index(["isrc", "playlist_id"]).index.isin(past.set_index(["isrc", "playlist_id"]).index)]
    thresholds = outcomes.grade_thresholds(past["engagement"])
    past["grade"] = outcomes.grades(past["engagement"], thresholds)
    future["grade"] = outcomes.grades(future["engagement"], thresholds)

    tracks = inputs.track_inputs(catalog, features, inputs.artist_popularity(before, catalog))
    sums = inputs.profile_sums(past, features)
    training = _with_targets(inputs.pair_inputs(past, tracks, playlists, sums, own_outcomes=past), past)
    holdout = _with_targets(inputs.pair_inputs(future, tracks, playlists, sums), future)
    return RankingData(_rankable(training), _rankable(holdout), cutoff, [float(value) for value in thresholds])


def _with_targets(frame: pd.DataFrame, placed: pd.DataFrame) -> pd.DataFrame:
    return frame.merge(placed[["isrc", "playlist_id", "engagement", "grade"]], on=["isrc", "playlist_id"])


def _rankable(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep queries with at least two candidates (a single one has no order), grouped contiguously."""
    sizes = frame.groupby("isrc")["playlist_id"].transform("size")
    return frame[sizes >= 2].sort_values(["isrc", "playlist_id"]).reset_index(drop=True)
