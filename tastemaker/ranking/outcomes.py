"""Placements and how well they went: the relevance grades the ranker learns from.

A placement is a (track, playlist) pair that produced playlist streams. Its engagement blends
three signals a label reads in DSP reports, each bounded to [0, 1]:

    engagement = 0.5 * save_rate + 0.3 * completion_rate + 0.2 * reach

    save_rate       = saves / streams
    completion_rate = 1 - skips / streams
    reach           = min(1, log1p(streams per 1,000 followers) / log1p(1,000))

A placed pair is graded 1 to 4 by the engagement quantiles (40%, 70%, 90%) of the training
placements: thresholds fixed on training data, then applied unchanged to the holdout, so
evaluation never sees its own distribution. A pair that was never placed is graded 0. Grade 3
or more (placed, and in the top 30% of engagement) is a "good" recommendation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GRADE_QUANTILES = (0.4, 0.7, 0.9)
GOOD_GRADE = 3  # placed and in the top 30% of engagement: a "good" recommendation for MAP and recall


def placements(streams: pd.DataFrame, playlists: pd.DataFrame) -> pd.DataFrame:
    """One row per (isrc, playlist_id): first and last date, summed counts and engagement."""
    from_playlists = streams[streams["playlist_id"].notna() & (streams["playlist_id"] != "")]
    summed = (
        from_playlists.groupby(["isrc", "playlist_id"], as_index=False)
        .agg(
            first_date=("date", "min"),
            last_date=("date", "max"),
            streams=("streams", "sum"),
            listeners=("listeners", "sum"),
            skips=("skips", "sum"),
            saves=("saves", "sum"),
        )
        .merge(playlists[["playlist_id", "followers"]], on="playlist_id", how="left")
    )
    summed["engagement"] = engagement(summed)
    return summed


def engagement(placed: pd.DataFrame) -> pd.Series:
    streams = placed["streams"].clip(lower=1).astype(float)
    save_rate = (placed["saves"] / streams).clip(0, 1)
    completion_rate = (1 - placed["skips"] / streams).clip(0, 1)
    per_thousand_followers = streams / (placed["followers"].fillna(0).astype(float) / 1000 + 1)
    reach = (np.log1p(per_thousand_followers) / np.log1p(1000)).clip(0, 1)
    return 0.5 * save_rate + 0.3 * completion_rate + 0.2 * reach


def grade_thresholds(training_engagement: pd.Series) -> np.ndarray:
    return training_engagement.quantile(GRADE_QUANTILES).to_numpy()


def grades(engagement_values: pd.Series, thresholds: np.ndarray) -> pd.Series:
    return pd.Series(
        np.searchsorted(thresholds, engagement_values.to_numpy(), side="right"),
        index=engagement_values.index,
        dtype="int64",
    )
