"""Judging rankings: the same metrics, slices and intervals for the model, every reference and ablation.

Two kinds of relevance:
- truth-graded (a world with a hidden truth, the headline): the gain of a pair is how far its
  hidden appeal is above a fair fit, `max(0, appeal - 0.5) / 0.5`, over every playlist; a
  playlist with bought followers is worth nothing. It needs no placement, so cold and unreleased
  tracks are judged too, and no pitch of the platform's can change it.
- placement-graded (any catalog, the only one possible on real data): grades 1-4 of the
  holdout's placements, 0 for the rest, pairs caused by the platform's own pitches ungraded.

Each is computed as ranked (every playlist of the evaluation set) and end to end (as served:
only what retrieval found can be pitched, everything else ranks last). Slices: all, warm, cold,
unreleased, genre missing, new artist. Intervals are paired bootstrap intervals by query of the
model minus each other ranking.

Names are stable, `<metric>.<slice>.<ranker>`, so that runs line up in MLflow and in
`dvc metrics show`; a metric computed on sampled playlists says so in its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tastemaker.metrics import Interval, ndcg_by_query, paired_bootstrap
from tastemaker.ranking.dataset import SLICES
from tastemaker.ranking.outcomes import GOOD_GRADE

FAIR_FIT_APPEAL = 0.5
TOP_K = 10
CURVE_CUTOFFS = range(1, 21)
MODEL = "model"
# Every ranking a training run judges, in the order plots list them; one without its inputs (the
# oracles of a catalog with no truth) is drawn as missing, so the plots' fields never change.
# Retrieval differs only where the sound does; intervals are kept for the metrics a decision rests on.
RETRIEVERS = ("model", "ablation_shuffled_audio")
INTERVAL_METRICS = ("truth_ndcg", "e2e_truth_ndcg", "placement_ndcg")
RANKERS = (
    "model",
    "genre_popularity",
    "ablation_no_audio",
    "ablation_shuffled_audio",
    "cosine",
    "sklearn",
    "most_followed",
    "random",
    "oracle_without_sound",
    "oracle",
)


def truth_gain(appeal) -> np.ndarray:
    return np.clip((np.asarray(appeal, dtype=float) - FAIR_FIT_APPEAL) / (1 - FAIR_FIT_APPEAL), 0.0, 1.0)


def with_truth(evaluation: pd.DataFrame, appeal: pd.DataFrame, fraudulent_playlists=()) -> pd.DataFrame:
    """The evaluation pairs with their hidden appeal and truth gain (a demo world only)."""
    columns = [c for c in ("appeal", "appeal_without_sound") if c in appeal.columns]
    joined = evaluation.drop(columns=columns + ["gain"], errors="ignore").merge(
        appeal[["isrc", "playlist_id", *columns]], on=["isrc", "playlist_id"], how="left"
    )
    # A playlist with bought followers has no audience to fit: its appeal counts as nothing, for the gain
    # and for the oracles that rank by it.
    fraudulent = joined["playlist_id"].isin(list(fraudulent_playlists)).to_numpy()
    for column in columns:
        joined[column] = np.where(fraudulent, 0.0, joined[column].fillna(0.0))
    joined["gain"] = truth_gain(joined["appeal"])
    return joined


@dataclass(frozen=True)
class Ranking:
    """One ranker's scores on the evaluation pairs, and which pairs its retrieval would serve."""

    scores: np.ndarray
    retrieved: np.ndarray


@dataclass
class EvaluationReport:
    metrics: dict  # nested: metric -> slice -> ranker -> value (intervals under "interval")
    curves: dict[str, pd.DataFrame]  # slice -> NDCG@k per ranker, k = 1..20
    per_query: dict[str, pd.Series] = field(default_factory=dict)  # metric -> model's value per query
    headline: str = ""

    def as_json(self) -> dict:
        """The nested metrics with NaN (a slice without queries) as null, which JSON allows."""
        return _without_nan(self.metrics)

    def flat(self) -> dict[str, float]:
        """`metric.slice.ranker` -> value, NaN left out: the names MLflow and DVC show."""
        return {name: value for name, value in _flatten(self.metrics) if not np.isnan(value)}


def evaluate_rankings(
    evaluation: pd.DataFrame,
    query_slices: pd.DataFrame,
    rankings: dict[str, Ranking],
    bootstrap_samples: int,
    confidence: float,
    seed: int,
    sampled_playlists: int | None = None,
) -> EvaluationReport:
    """Every metric for every ranking, per slice, with the model's paired intervals against the others."""
    suffix = f"_sampled_{sampled_playlists}" if sampled_playlists else ""
    per_query = _per_query_metrics(evaluation, rankings, suffix)
    members = {name: set(query_slices.loc[query_slices[name], "isrc"]) for name in SLICES}
    metrics: dict = {}
    for (metric, ranker), values in per_query.items():
        for slice_name, isrcs in members.items():
            chosen = values[values.index.isin(isrcs)]
            metrics.setdefault(metric, {}).setdefault(slice_name, {})[ranker] = (
                float(chosen.mean()) if len(chosen) else float("nan")
            )
    metrics["queries"] = {name: len(isrcs) for name, isrcs in members.items()}
    metrics["interval"] = _intervals(per_query, members, bootstrap_samples, confidence, seed)
    headline = (
        f"truth_ndcg_at_{TOP_K}{suffix}"
        if "gain" in evaluation.columns
        else f"placement_ndcg_at_{TOP_K}{suffix}"
    )
    metrics["headline"] = metrics.get(headline, {}).get("all", {}).get(MODEL, float("nan"))
    model_values = {metric: values for (metric, ranker), values in per_query.items() if ranker == MODEL}
    return EvaluationReport(metrics, _curves(evaluation, query_slices, rankings), model_values, headline)


def ndcg_per_query(evaluation: pd.DataFrame, scores: np.ndarray, metric: str) -> pd.Series:
    """One ranking's per-query value of a headline-type metric (truth or placement NDCG@10, as ranked)."""
    if metric.startswith("truth_"):
        return ndcg_by_query(evaluation["isrc"], evaluation["gain"], scores, TOP_K)
    graded = evaluation["grade"].notna().to_numpy()
    return ndcg_by_query(
        evaluation["isrc"][graded], 2.0 ** evaluation["grade"][graded] - 1, scores[graded], TOP_K
    )


def compare(
    challenger: pd.Series,
    champion: pd.Series,
    members: set | None,
    bootstrap_samples: int,
    confidence: float,
    seed: int,
) -> Interval:
    """Paired interval of challenger minus champion over the queries both were judged on (a slice's only)."""
    both = challenger.index.intersection(champion.index)
    if members is not None:
        both = both[both.isin(members)]
    return paired_bootstrap(
        (challenger[both] - champion[both]).to_numpy(), bootstrap_samples, confidence, seed
    )


def _per_query_metrics(evaluation: pd.DataFrame, rankings: dict[str, Ranking], suffix: str) -> dict:
    isrc = evaluation["isrc"]
    graded = evaluation["grade"].notna().to_numpy()
    placement_gain = 2.0 ** evaluation["grade"][graded] - 1
    has_truth = "gain" in evaluation.columns
    good = (
        evaluation["gain"].to_numpy() > 0
        if has_truth
        else evaluation["grade"].fillna(0).to_numpy() >= GOOD_GRADE
    )
    per_query = {}
    for name, ranking in rankings.items():
        served = np.where(ranking.retrieved, ranking.scores, np.nan)
        if has_truth:
            per_query[(f"truth_ndcg_at_{TOP_K}{suffix}", name)] = ndcg_by_query(
                isrc, evaluation["gain"], ranking.scores, TOP_K
            )
            per_query[(f"e2e_truth_ndcg_at_{TOP_K}{suffix}", name)] = ndcg_by_query(
                isrc, evaluation["gain"], served, TOP_K
            )
        per_query[(f"placement_ndcg_at_{TOP_K}{suffix}", name)] = ndcg_by_query(
            isrc[graded], placement_gain, ranking.scores[graded], TOP_K
        )
        per_query[(f"e2e_placement_ndcg_at_{TOP_K}{suffix}", name)] = ndcg_by_query(
            isrc[graded], placement_gain, served[graded], TOP_K
        )
        if name in RETRIEVERS:
            found = pd.Series(ranking.retrieved[good]).groupby(isrc[good].to_numpy()).mean()
            per_query[(f"retrieval_recall{suffix}", name)] = found
    return per_query


def _intervals(per_query: dict, members: dict[str, set], samples: int, confidence: float, seed: int) -> dict:
    intervals: dict = {}
    for (metric, ranker), values in per_query.items():
        if ranker == MODEL or not metric.startswith(INTERVAL_METRICS):
            continue
        model = per_query[(metric, MODEL)]
        for slice_name, isrcs in members.items():
            interval = compare(model, values, isrcs, samples, confidence, seed)
            intervals.setdefault(metric, {}).setdefault(slice_name, {})[f"model_minus_{ranker}"] = {
                "mean": interval.mean,
                "low": interval.low,
                "high": interval.high,
            }
    return intervals


def _curves(
    evaluation: pd.DataFrame, query_slices: pd.DataFrame, rankings: dict[str, Ranking]
) -> dict[str, pd.DataFrame]:
    """NDCG@k, k = 1..20, per slice and ranker (truth-graded where there is a truth): what `dvc plots` draws."""
    if "gain" in evaluation.columns:
        judged, gains = evaluation, evaluation["gain"]
        scores = {name: ranking.scores for name, ranking in rankings.items()}
    else:
        graded = evaluation["grade"].notna().to_numpy()
        judged, gains = evaluation[graded], 2.0 ** evaluation["grade"][graded] - 1
        scores = {name: ranking.scores[graded] for name, ranking in rankings.items()}
    members = {name: query_slices.loc[query_slices[name], "isrc"].to_numpy() for name in SLICES}
    rows = {name: [] for name in SLICES}
    for k in CURVE_CUTOFFS:
        per_ranker = {
            name: ndcg_by_query(judged["isrc"], gains, values, k) for name, values in scores.items()
        }
        for slice_name, isrcs in members.items():
            means = {
                name: float(values[values.index.isin(isrcs)].mean()) for name, values in per_ranker.items()
            }
            rows[slice_name].append({"k": k, **{name: means.get(name, float("nan")) for name in RANKERS}})
    return {slice_name: pd.DataFrame(slice_rows) for slice_name, slice_rows in rows.items()}


def _flatten(tree: dict, prefix: str = ""):
    for key, value in tree.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from _flatten(value, name)
        else:
            yield name, float(value)


def _without_nan(tree):
    if isinstance(tree, dict):
        return {key: _without_nan(value) for key, value in tree.items()}
    return None if isinstance(tree, float) and np.isnan(tree) else tree
