"""Lift and promotion effect of published recommendations, with bootstrap confidence intervals.

Definitions (docs/effect.md says the same in prose). For a recommendation r published on run
date d, Y(r) is the number of streams of r's track *from r's playlist* in the window d+1 ..
d+window_days. Every publication holds two randomized groups, drawn by seeded hashes:
`is_control` rows are published but never pitched, and `is_explore` rows are slots whose pair
was drawn at random among the eligible candidates instead of being the model's choice. That
gives four cells: model/random x pitched/control.

    promotion effect   tau_model  = mean Y(model, pitched) - mean Y(model, control)
    random effect      tau_random = mean Y(random, pitched) - mean Y(random, control)
    lift               lift       = tau_model - tau_random

The promotion effect is the intent-to-treat effect of pitching one of the model's
recommendations: the streams a pitch adds in the window, whether or not the curator accepted.
Randomization makes it unbiased for the average, over the model's recommendations, of the
streams the pitch itself caused (in the demo world: the mean of `lift_streams` over pitched
model rows of the truth's pitches.parquet). It is positive for any model, even one choosing at
random, because curators accept some pitches of any kind.

The lift is what choosing with the model adds over choosing at random: the extra streams per
pitch that the model's choice earns compared with a random eligible choice. It estimates
mean `lift_streams` over pitched model rows minus the same mean over pitched random rows, and
it is zero, in expectation, for a model that ranks at random. It is the question the headline answers.

Both are also measured per follower: Y'(r) = 1000 Y(r) / followers of r's playlist gives
`lift_per_1k_followers` and `promotion_effect_per_1k_followers`. Playlist audiences are so
heavy-tailed (a few playlists have thousands of times the followers of most) that a stream
mean over a few hundred pitches is decided by the handful of large playlists in it; per
follower, every pitch weighs the same and the estimate measures the fit the model finds, which is
what it is trained for. The per-follower lift is the headline: it is the one with the power to
tell a model from random choice at the size of one publication.

The effect per placed pitch divides the promotion effect by the rise in the share of
recommendations that started streaming from their playlist (pitched minus control): the
effect of the pitches curators actually took (a Wald / instrumental-variable ratio).

Intervals are percentile bootstrap intervals, resampling recommendations within each cell
(so every resample keeps the randomized group sizes) with a seeded generator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tastemaker.effect.outcomes import PER_FOLLOWER
from tastemaker.effect.params import EffectParams

CELLS = {
    "model_pitched": (False, False),
    "model_control": (False, True),
    "random_pitched": (True, False),
    "random_control": (True, True),
}
OUTCOME = "in_playlist_streams"
MODEL_CELLS = ("model_pitched", "model_control")

# A statistic reads cell means through `mean(cell, column)`; numbers or arrays of resamples.
Mean = Callable[[str, str], np.ndarray | float]


def _itt(arm: str, column: str) -> Callable[[Mean], np.ndarray | float]:
    return lambda mean: mean(f"{arm}_pitched", column) - mean(f"{arm}_control", column)


def _ratio(numerator, denominator):
    return lambda mean: np.divide(numerator(mean), denominator(mean))


def _lift(column: str) -> Callable[[Mean], np.ndarray | float]:
    return lambda mean: _itt("model", column)(mean) - _itt("random", column)(mean)


STATISTICS: dict[str, tuple[tuple[str, ...], Callable[[Mean], np.ndarray | float]]] = {
    "lift_per_1k_followers": (tuple(CELLS), _lift(PER_FOLLOWER)),
    "promotion_effect_per_1k_followers": (MODEL_CELLS, _itt("model", PER_FOLLOWER)),
    "lift": (tuple(CELLS), _lift(OUTCOME)),
    "promotion_effect": (MODEL_CELLS, _itt("model", OUTCOME)),
    "effect_per_placed_pitch": (MODEL_CELLS, _ratio(_itt("model", OUTCOME), _itt("model", "started"))),
    "saves_effect": (MODEL_CELLS, _itt("model", "in_playlist_saves")),
    "track_streams_effect": (MODEL_CELLS, _itt("model", "track_streams")),
    "random_promotion_effect": (("random_pitched", "random_control"), _itt("random", OUTCOME)),
}
# What the report, the terminal and the Prefect artifact show, headline first.
LABELS = {
    "lift_per_1k_followers": "lift over random choice (streams per 1,000 playlist followers, per pitch)",
    "promotion_effect_per_1k_followers": "promotion effect (streams per 1,000 playlist followers, per pitch)",
    "lift": "lift over random choice (streams per pitch)",
    "promotion_effect": "promotion effect (streams per pitch)",
    "effect_per_placed_pitch": "effect per placed pitch (streams)",
    "saves_effect": "saves effect (saves per pitch)",
    "track_streams_effect": "effect on the track's total streams",
}


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class EffectEstimates:
    summary: dict
    per_artist: pd.DataFrame
    acceptance_by_rank: pd.DataFrame


def estimate_effects(outcomes: pd.DataFrame, params: EffectParams) -> EffectEstimates:
    """Every estimate of the module docstring from `recommendation_outcomes` rows; None where a cell is empty."""
    rng = np.random.default_rng(params.seed)
    cells = split_cells(outcomes)
    estimates = {
        name: bootstrap(cells, needed, statistic, params, rng)
        for name, (needed, statistic) in STATISTICS.items()
    }
    summary = {
        "window_days": params.window_days,
        "confidence": params.confidence,
        "run_dates": sorted({str(day.date()) for day in outcomes["run_date"]}),
        "measured": len(outcomes),
        "cells": {name: len(rows) for name, rows in cells.items()},
        **{name: None if estimate is None else estimate.as_dict() for name, estimate in estimates.items()},
        "start_rate": {name: _share(rows["started"]) for name, rows in cells.items()},
        "skip_rate": {name: _pooled_skip_rate(rows) for name, rows in cells.items()},
    }
    return EffectEstimates(summary, per_artist_effects(outcomes, params, rng), acceptance_by_rank(cells))


def split_cells(outcomes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        name: outcomes[(outcomes["is_explore"] == explore) & (outcomes["is_control"] == control)]
        for name, (explore, control) in CELLS.items()
    }


def bootstrap(
    cells: dict[str, pd.DataFrame],
    needed: tuple[str, ...],
    statistic,
    params: EffectParams,
    rng: np.random.Generator,
) -> Estimate | None:
    """Point estimate and percentile interval of `statistic`, resampling rows within each cell.

    None when a cell it needs is empty or the point estimate is undefined (a ratio over zero).
    """
    if any(cells[name].empty for name in needed):
        return None
    columns = [OUTCOME, PER_FOLLOWER, "started", "in_playlist_saves", "track_streams"]
    values = {name: cells[name][columns].to_numpy(dtype=float) for name in needed}
    with np.errstate(divide="ignore", invalid="ignore"):
        point = float(statistic(lambda name, column: np.nanmean(values[name][:, columns.index(column)])))
    if not np.isfinite(point):
        return None
    resampled = {}
    for name in needed:
        rows = rng.integers(0, len(values[name]), size=(params.bootstrap_samples, len(values[name])))
        resampled[name] = np.nanmean(values[name][rows], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        draws = np.asarray(statistic(lambda name, column: resampled[name][:, columns.index(column)]))
    tail = (1 - params.confidence) / 2 * 100
    low, high = np.nanpercentile(np.where(np.isfinite(draws), draws, np.nan), [tail, 100 - tail])
    return Estimate(point, float(low), float(high))


def per_artist_effects(
    outcomes: pd.DataFrame, params: EffectParams, rng: np.random.Generator
) -> pd.DataFrame:
    """The promotion effect of each artist's model recommendations (NaN without pitched or control rows).

    Per artist there are too few exploration slots to estimate a lift against random choices.
    """
    needed, statistic = STATISTICS["promotion_effect"]
    rows = []
    for (artist_id, artist_name), mine in outcomes.groupby(["artist_id", "artist_name"], sort=True):
        cells = split_cells(mine)
        estimate = bootstrap(cells, needed, statistic, params, rng)
        rows.append(
            {
                "artist_id": artist_id,
                "artist_name": artist_name,
                "pitched": len(cells["model_pitched"]),
                "control": len(cells["model_control"]),
                "started": int(cells["model_pitched"]["started"].sum()),
                "effect": np.nan if estimate is None else estimate.value,
                "low": np.nan if estimate is None else estimate.low,
                "high": np.nan if estimate is None else estimate.high,
            }
        )
    return pd.DataFrame(
        rows, columns=["artist_id", "artist_name", "pitched", "control", "started", "effect", "low", "high"]
    )


def acceptance_by_rank(cells: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Share of the model's pitched recommendations that started streaming from their playlist, by rank."""
    pitched = cells["model_pitched"]
    table = pitched.groupby("rank")["started"].agg(pitches="size", accepted="sum").reset_index()
    table["acceptance_rate"] = table["accepted"] / table["pitches"]
    return table.astype({"rank": int, "pitches": int, "accepted": int})


def _share(flags: pd.Series) -> float | None:
    return float(flags.mean()) if len(flags) else None


def _pooled_skip_rate(rows: pd.DataFrame) -> float | None:
    streams = rows["in_playlist_streams"].sum()
    return float(rows["in_playlist_skips"].sum() / streams) if streams else None
