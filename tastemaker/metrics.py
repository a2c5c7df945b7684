"""Ranking metrics, defined once for training, baselines, evaluation and reports.

NDCG@k uses a log2(rank + 1) discount, normalised per query by the ideal ordering of that
query's own candidates; a query whose gains are all zero has no ideal and is left out of the
mean rather than counted as 0 or 1. Placement grades (0-4) use exponential gain 2^grade - 1;
truth grades (the demo world's hidden appeal) are gains already (see `ranking.evaluation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def dcg_at_k(grades_in_ranked_order: np.ndarray, k: int) -> float:
    top = np.asarray(grades_in_ranked_order, dtype=float)[:k]
    discounts = np.log2(np.arange(2, top.size + 2))
    return float(np.sum((2.0**top - 1.0) / discounts))


def ndcg_at_k(grades_in_ranked_order: np.ndarray, k: int) -> float | None:
    ideal = dcg_at_k(np.sort(np.asarray(grades_in_ranked_order))[::-1], k)
    if ideal == 0:
        return None
    return dcg_at_k(grades_in_ranked_order, k) / ideal


def ndcg_by_query(queries, gains, scores, k: int) -> pd.Series:
    """NDCG@k of each query ranked by `scores` (ties broken by row order; NaN ranks last).

    Vectorised over all queries at once (the holdout of a real catalog has millions of pairs).
    The result is indexed by query and holds only the queries that have an ideal (a gain above 0).
    """
    codes, names = pd.factorize(np.asarray(queries), sort=True)
    gains = np.asarray(gains, dtype=float)
    scores = np.nan_to_num(np.asarray(scores, dtype=float), nan=-np.inf)
    actual = _discounted_sums(codes, gains, scores, k, len(names))
    ideal = _discounted_sums(codes, gains, gains, k, len(names))
    has_ideal = ideal > 0
    return pd.Series(actual[has_ideal] / ideal[has_ideal], index=names[has_ideal], name="ndcg")


def _discounted_sums(
    codes: np.ndarray, gains: np.ndarray, order_by: np.ndarray, k: int, groups: int
) -> np.ndarray:
    """Per query: the discounted gains of its first k rows when sorted by `order_by`, descending."""
    order = np.lexsort((np.arange(len(codes)), -order_by, codes))
    sorted_codes = codes[order]
    starts = np.searchsorted(sorted_codes, sorted_codes, side="left")
    position = np.arange(len(order)) - starts
    kept = position < k
    contribution = gains[order][kept] / np.log2(position[kept] + 2)
    return np.bincount(sorted_codes[kept], weights=contribution, minlength=groups)


def mean_ndcg_at_k(
    frame: pd.DataFrame, score_column: str, k: int, query: str = "isrc", grade: str = "grade"
) -> float:
    """Mean NDCG@k over queries with exponential gain 2^grade - 1 (placement grades 0-4)."""
    per_query = ndcg_by_query(
        frame[query], 2.0 ** frame[grade].to_numpy(dtype=float) - 1.0, frame[score_column], k
    )
    return float(per_query.mean()) if len(per_query) else float("nan")


@dataclass(frozen=True)
class Interval:
    """A mean difference and its bootstrap confidence interval."""

    mean: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def paired_bootstrap(differences, samples: int, confidence: float, seed: int) -> Interval:
    """Percentile interval of the mean of per-query paired differences, resampling queries.

    Pairing by query removes the query-to-query spread that both rankers share, so a small but
    consistent gain is not drowned by how hard the queries are.
    """
    values = np.asarray(differences, dtype=float)
    if values.size == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, values.size, (samples, values.size))].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return Interval(float(values.mean()), float(low), float(high))


def _top_k(frame: pd.DataFrame, score_column: str, k: int, query: str) -> pd.DataFrame:
    ranked = frame.sort_values([query, score_column], ascending=[True, False], kind="stable")
    return ranked.groupby(query, sort=False).head(k)


def mean_average_precision_at_k(
    frame: pd.DataFrame, score_column: str, k: int, is_good: str = "is_good", query: str = "isrc"
) -> float:
    """MAP@k: per query, the precision at each good item's rank within the top k, summed and divided by
    min(number of good candidates, k); queries with no good candidate are left out."""
    values = []
    for _, group in frame.groupby(query, sort=False):
        good_total = int(group[is_good].sum())
        if good_total == 0:
            continue
        ranked = group.sort_values(score_column, ascending=False, kind="stable")[is_good].to_numpy()[:k]
        hits = np.cumsum(ranked)
        precision_at_hits = hits[ranked.astype(bool)] / (np.flatnonzero(ranked) + 1)
        values.append(precision_at_hits.sum() / min(good_total, k))
    return float(np.mean(values)) if values else float("nan")


def mean_recall_at_k(
    frame: pd.DataFrame, score_column: str, k: int, is_good: str = "is_good", query: str = "isrc"
) -> float:
    """Share of each query's good candidates that reach the top k, averaged over queries that have any."""
    totals = frame.groupby(query)[is_good].sum()
    found = _top_k(frame, score_column, k, query).groupby(query)[is_good].sum()
    has_good = totals[totals > 0].index
    return float((found.reindex(has_good) / totals[has_good]).mean()) if len(has_good) else float("nan")


def catalog_coverage(
    frame: pd.DataFrame,
    score_column: str,
    k: int,
    all_items: int,
    item: str = "playlist_id",
    query: str = "isrc",
) -> float:
    """Share of all playlists that appear in at least one top-k list: low coverage means a few
    playlists receive every pitch."""
    return _top_k(frame, score_column, k, query)[item].nunique() / all_items if all_items else float("nan")


def share_of_artists_served(
    frame: pd.DataFrame,
    score_column: str,
    k: int,
    is_good: str = "is_good",
    query: str = "isrc",
    artist: str = "artist_id",
) -> float:
    """Share of artists with at least one good candidate in the top k of one of their tracks."""
    top = _top_k(frame, score_column, k, query)
    return float(top.groupby(artist)[is_good].any().reindex(frame[artist].unique(), fill_value=False).mean())
