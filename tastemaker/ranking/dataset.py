"""The time-based split: learn from placements before a cut-off, evaluate on those after it.

A query is a track; its candidates are the playlists it was placed in, graded by how the
placement went (1 to 4), and a seeded sample of playlists it was not placed in (grade 0). The
model therefore learns what a pitch is worth: whether the curator would take the track and, if
so, how its listeners would respond. The holdout samples many more unplaced playlists (all of
them in the demo world), so it is judged on nearly the whole ranking a label would see.

Everything the features use (playlist profiles, artist popularity, grade thresholds) is
computed from reports dated before the cut-off, so the holdout is judged as it would have been
on the cut-off day. Holdout tracks are mostly new releases: judged from their audio alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tastemaker.ranking import inputs, outcomes

# Columns that describe the outcome or the query, never given to the model.
TARGET_COLUMNS = ["engagement", "grade", "is_good", "artist_id"]


def model_input(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs.drop(columns=[column for column in TARGET_COLUMNS if column in pairs.columns])


@dataclass
class RankingData:
    training: pd.DataFrame  # raw pair inputs + targets, grouped by query (isrc)
    holdout: pd.DataFrame
    cutoff: pd.Timestamp
    grade_thresholds: list[float]


def as_of_date(streams: pd.DataFrame) -> pd.Timestamp:
    """The day the data describes: the latest report date (the pipeline's clock, not the wall clock)."""
    return pd.Timestamp(streams["date"].max())


def split_by_time(
    catalog: pd.DataFrame,
    playlists: pd.DataFrame,
    streams: pd.DataFrame,
    features: pd.DataFrame,
    holdout_days: int,
    negatives_per_query: int,
    holdout_negatives_per_query: int,
    seed: int,
) -> RankingData:
    cutoff = as_of_date(streams) - pd.Timedelta(days=holdout_days)
    dates = pd.to_datetime(streams["date"])
    before, after = streams[dates < cutoff], streams[dates >= cutoff]
    past = outcomes.placements(before, playlists)
    future = outcomes.placements(after, playlists)
    already_placed = _keys(future).isin(_keys(past))
    future = future[~already_placed]
    thresholds = outcomes.grade_thresholds(past["engagement"])
    rng = np.random.default_rng(seed)
    playlist_ids = playlists["playlist_id"].to_numpy()

    tracks = inputs.track_inputs(catalog, features, inputs.artist_popularity(before, catalog))
    sums = inputs.profile_sums(past, features)
    training_pairs = _graded_with_negatives(past, past, thresholds, playlist_ids, negatives_per_query, rng)
    holdout_pairs = _graded_with_negatives(future, pd.concat([past, future]), thresholds, playlist_ids,
                                           holdout_negatives_per_query, rng)
    training = inputs.pair_inputs(training_pairs, tracks, playlists, sums, own_outcomes=past)
    holdout = inputs.pair_inputs(holdout_pairs, tracks, playlists, sums)
    return RankingData(
        _with_targets(training, training_pairs, catalog),
        _with_targets(holdout, holdout_pairs, catalog),
        cutoff,
        [float(value) for value in thresholds],
    )


def _keys(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(frame[["isrc", "playlist_id"]])


def _graded_with_negatives(placed, known_placements, thresholds, playlist_ids, negatives_per_query, rng) -> pd.DataFrame:
    """Placed pairs graded 1..4 plus, per query, up to `negatives_per_query` playlists it was never placed in."""
    graded = placed[["isrc", "playlist_id", "engagement"]].assign(
        grade=1 + outcomes.grades(placed["engagement"], thresholds)
    )
    placed_by_track = known_placements.groupby("isrc")["playlist_id"].agg(set)
    negatives = []
    for isrc in sorted(graded["isrc"].unique()):
        unplaced = playlist_ids[~np.isin(playlist_ids, list(placed_by_track.get(isrc, set())))]
        chosen = rng.choice(unplaced, size=min(negatives_per_query, unplaced.size), replace=False)
        negatives.extend((isrc, playlist_id) for playlist_id in chosen)
    unplaced_pairs = pd.DataFrame(negatives, columns=["isrc", "playlist_id"]).assign(engagement=0.0, grade=0)
    return pd.concat([graded, unplaced_pairs], ignore_index=True)


def _with_targets(frame: pd.DataFrame, graded: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    targets = graded.assign(is_good=graded["grade"] >= outcomes.GOOD_GRADE)
    joined = frame.merge(targets, on=["isrc", "playlist_id"]).merge(catalog[["isrc", "artist_id"]], on="isrc")
    return joined.sort_values(["isrc", "playlist_id"], ignore_index=True).copy()  # one block per dtype
