"""The estimators on hand-made outcomes whose true effects are known by construction."""

import numpy as np
import pandas as pd
import pytest

from tastemaker.effect.estimation import estimate_effects
from tastemaker.effect.params import EffectParams


def synthetic_outcomes(model_effect: float, random_effect: float, rows: int, seed: int) -> pd.DataFrame:
    """Randomized arms over skewed baseline streams; pitching adds a fixed effect to every pitched row."""
    rng = np.random.default_rng(seed)
    is_explore = rng.random(rows) < 0.3
    is_control = rng.random(rows) < 0.3
    baseline = rng.poisson(rng.gamma(0.5, 40, rows))
    added = np.where(is_control, 0, np.where(is_explore, random_effect, model_effect))
    streams = baseline + rng.poisson(added)
    followers = rng.integers(500, 5000, rows)
    return pd.DataFrame(
        {
            "run_date": pd.Timestamp("2026-06-30"),
            "artist_id": [f"AR{i % 8}" for i in range(rows)],
            "artist_name": [f"Artist {i % 8}" for i in range(rows)],
            "rank": rng.integers(1, 6, rows),
            "is_control": is_control,
            "is_explore": is_explore,
            "in_playlist_streams": streams,
            "in_playlist_saves": streams // 10,
            "in_playlist_skips": streams // 3,
            "track_streams": streams + 100,
            "started": streams > 0,
            "in_playlist_streams_per_1k_followers": 1000 * streams / followers,
        }
    )


def playlist_market(rows: int, seed: int, model_acceptance: float, random_acceptance: float) -> pd.DataFrame:
    """Pitches accepted at a rate that depends on the arm, on playlists with Pareto-tailed audiences.

    An accepted pitch streams 100 times per 1,000 followers, so the true per-follower lift is
    100 * (model_acceptance - random_acceptance).
    """
    rng = np.random.default_rng(seed)
    is_explore, is_control = rng.random(rows) < 0.3, rng.random(rows) < 0.2
    followers = 1000 * (1 + rng.pareto(1.1, rows))
    chance = np.where(is_explore, random_acceptance, model_acceptance)
    accepted = ~is_control & (rng.random(rows) < chance)
    streams = rng.poisson(np.where(accepted, followers * 0.1, 0))
    return pd.DataFrame(
        {
            "run_date": pd.Timestamp("2026-06-30"),
            "artist_id": "AR1",
            "artist_name": "Artist 1",
            "rank": 1,
            "is_control": is_control,
            "is_explore": is_explore,
            "in_playlist_streams": streams,
            "in_playlist_saves": 0,
            "in_playlist_skips": 0,
            "track_streams": streams,
            "started": streams > 0,
            "in_playlist_streams_per_1k_followers": 1000 * streams / followers,
        }
    )


def test_interval_covers_the_planted_lift_and_excludes_zero():
    outcomes = synthetic_outcomes(model_effect=120, random_effect=30, rows=3000, seed=1)
    summary = estimate_effects(outcomes, EffectParams(bootstrap_samples=500)).summary
    assert summary["lift"]["low"] < 90 < summary["lift"]["high"]
    assert summary["lift"]["low"] > 0
    assert summary["promotion_effect"]["low"] < 120 < summary["promotion_effect"]["high"]


def test_a_model_no_better_than_random_has_a_lift_interval_around_zero():
    outcomes = synthetic_outcomes(model_effect=50, random_effect=50, rows=3000, seed=2)
    summary = estimate_effects(outcomes, EffectParams(bootstrap_samples=500)).summary
    assert summary["lift"]["low"] < 0 < summary["lift"]["high"]
    assert summary["promotion_effect"]["low"] > 0


def test_intervals_cover_about_95_percent_of_repeated_experiments():
    hits = 0
    for seed in range(40):
        outcomes = synthetic_outcomes(model_effect=60, random_effect=20, rows=400, seed=seed)
        lift = estimate_effects(outcomes, EffectParams(bootstrap_samples=400, seed=seed)).summary["lift"]
        hits += lift["low"] <= 40 <= lift["high"]
    assert hits >= 34


def test_per_follower_lift_separates_a_better_chooser_where_stream_counts_cannot():
    seeds = range(10)
    results = [
        estimate_effects(playlist_market(400, seed, 0.4, 0.2), EffectParams(bootstrap_samples=400)).summary
        for seed in seeds
    ]
    per_follower = [summary["lift_per_1k_followers"] for summary in results]
    assert sum(lift["low"] <= 20 <= lift["high"] for lift in per_follower) >= 8
    assert all(lift["low"] > 0 for lift in per_follower)
    raw_width = np.median([(s["lift"]["high"] - s["lift"]["low"]) / abs(s["lift"]["value"]) for s in results])
    per_follower_width = np.median([(lift["high"] - lift["low"]) / lift["value"] for lift in per_follower])
    assert raw_width > 1.5 * per_follower_width


def test_per_follower_lift_of_a_random_chooser_is_indistinguishable_from_zero():
    hits = sum(
        (
            lift := estimate_effects(
                playlist_market(400, seed, 0.3, 0.3), EffectParams(bootstrap_samples=400)
            ).summary["lift_per_1k_followers"]
        )["low"]
        < 0
        < lift["high"]
        for seed in range(10)
    )
    assert hits >= 8


def test_same_seed_same_interval_and_no_lift_without_exploration_rows():
    outcomes = synthetic_outcomes(model_effect=60, random_effect=20, rows=300, seed=3)
    first = estimate_effects(outcomes, EffectParams(bootstrap_samples=200)).summary
    again = estimate_effects(outcomes, EffectParams(bootstrap_samples=200)).summary
    assert first["lift"] == again["lift"]
    without_exploration = estimate_effects(
        outcomes[~outcomes["is_explore"]], EffectParams(bootstrap_samples=200)
    )
    assert without_exploration.summary["lift"] is None
    assert without_exploration.summary["promotion_effect"] is not None


def test_effect_per_placed_pitch_divides_by_the_rise_in_acceptance():
    outcomes = synthetic_outcomes(model_effect=60, random_effect=20, rows=2000, seed=4)
    summary = estimate_effects(outcomes, EffectParams(bootstrap_samples=200)).summary
    model = outcomes[~outcomes["is_explore"]]
    rise = (
        model.loc[~model["is_control"], "started"].mean() - model.loc[model["is_control"], "started"].mean()
    )
    assert summary["effect_per_placed_pitch"]["value"] == pytest.approx(
        summary["promotion_effect"]["value"] / rise
    )


def test_acceptance_by_rank_counts_only_pitched_model_rows():
    outcomes = synthetic_outcomes(model_effect=60, random_effect=20, rows=500, seed=5)
    by_rank = estimate_effects(outcomes, EffectParams(bootstrap_samples=100)).acceptance_by_rank
    pitched = outcomes[~outcomes["is_explore"] & ~outcomes["is_control"]]
    assert by_rank["pitches"].sum() == len(pitched)
    rank_one = pitched[pitched["rank"] == 1]
    assert by_rank.set_index("rank").loc[1, "acceptance_rate"] == pytest.approx(rank_one["started"].mean())
