"""What moved a pitch's score: the ranker's own per-feature contributions, summed into evidence groups.

LightGBM's `pred_contrib` splits each prediction exactly into one additive share per feature
(TreeSHAP) plus a bias, so a reason built on the largest group is the model's reason, not a
template beside it. The groups are the kinds of evidence an A&R manager can check and defend to a
curator; every model feature belongs to exactly one.

A group's evidence is "removed" by giving the pitch the group's values of typical pairs instead: the
score without it is the mean score over a fixed sample of training pairs (`background`), each lending
the pitch its values of that group, the pitch keeping all others. Setting each feature to its own
median instead would build a combination no pair has (over a hundred profile differences, all
typical at once), which the trees may score anywhere. Removing the cited evidence should lower the
score of the pitch that cites it; `faithfulness` measures how often it does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Evidence groups, in the order ties are broken; a feature not listed by name is a per-descriptor
# difference to the playlist's profile (`abs_diff_*`), part of the sound profile.
GROUP_FEATURES = {
    "sound_space": ("sound_affinity",),
    "sounds_like": ("nearest_placed_similarity", "nearest_placed_engagement"),
    "sound_profile": ("cosine_to_profile", "distance_to_profile"),
    "genre": ("genre_match",),
    "artist_reach": ("artist_popularity",),
    "playlist": ("playlist_log_followers", "playlist_history_tracks", "playlist_mean_engagement"),
}
GROUPS = tuple(GROUP_FEATURES)
SOUND_GROUPS = ("sound_space", "sounds_like", "sound_profile")


def group_of(feature: str) -> str:
    for group, names in GROUP_FEATURES.items():
        if feature in names:
            return group
    return "sound_profile"


def background_sample(features: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    """A fixed sample of training pairs' model features: the typical pairs that lend removed evidence."""
    return features.sample(min(rows, len(features)), random_state=seed).reset_index(drop=True)


def group_contributions(booster, features: pd.DataFrame) -> pd.DataFrame:
    """Per row of `features` (the model's columns, in its order), each group's share of the raw score."""
    shares = booster.predict(features, pred_contrib=True)[:, :-1]  # the last column is the bias
    groups = np.array([group_of(name) for name in features.columns])
    summed = {group: shares[:, groups == group].sum(axis=1) for group in GROUPS}
    return pd.DataFrame(summed, index=features.index)


def score_without(
    booster, features: pd.DataFrame, group_of_row: pd.Series, background: pd.DataFrame
) -> np.ndarray:
    """Per row, the mean score when its `group_of_row` evidence is replaced by each background pair's."""
    columns_of = {
        group: [name for name in features.columns if group_of(name) == group]
        for group in group_of_row.unique()
    }
    rows_of = {group: (group_of_row == group).to_numpy() for group in columns_of}
    total = np.zeros(len(features))
    for _, lender in background.iterrows():
        lent = features.copy()
        for group, names in columns_of.items():
            lent.loc[rows_of[group], names] = lender[names].to_numpy(dtype=float)
        total += booster.predict(lent)
    return total / max(len(background), 1)


def faithfulness(booster, features: pd.DataFrame, cited: pd.Series, background: pd.DataFrame) -> float:
    """Share of rows whose score drops when the evidence group their first reason cites is removed."""
    if features.empty:
        return float("nan")
    return float(np.mean(score_without(booster, features, cited, background) < booster.predict(features)))
