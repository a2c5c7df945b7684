"""Ranking metrics, defined once for training, baselines, evaluation and reports.

NDCG@k uses exponential gain (2^grade - 1) and a log2(rank + 1) discount, normalised per query
by the ideal ordering of that query's own graded candidates; a query whose grades are all zero
has no ideal and is left out of the mean rather than counted as 0 or 1.
"""

from __future__ import annotations

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


def mean_ndcg_at_k(frame: pd.DataFrame, score_column: str, k: int, query: str = "isrc", grade: str = "grade") -> float:
    """Mean NDCG@k over queries, each ranked by `score_column` (ties broken by row order).

    Vectorised over all queries at once: the holdout of a real catalog has millions of pairs.
    """
    gains = 2.0 ** frame[grade].to_numpy(dtype=float) - 1.0
    base = pd.DataFrame({"query": frame[query].to_numpy(), "gain": gains,
                         "score": frame[score_column].to_numpy(dtype=float), "row": np.arange(len(frame))})
    actual = _discounted(base.sort_values(["query", "score", "row"], ascending=[True, False, True]), k)
    ideal = _discounted(base.sort_values(["query", "gain", "row"], ascending=[True, False, True]), k)
    has_ideal = ideal > 0
    return float((actual[has_ideal] / ideal[has_ideal]).mean()) if has_ideal.any() else float("nan")


def _discounted(ranked: pd.DataFrame, k: int) -> pd.Series:
    position = ranked.groupby("query", sort=False).cumcount().to_numpy()
    kept = position < k
    contribution = ranked["gain"].to_numpy()[kept] / np.log2(position[kept] + 2)
    return pd.Series(contribution).groupby(ranked["query"].to_numpy()[kept]).sum()

def _top_k(frame: pd.DataFrame, score_column: str, k: int, query: str) -> pd.DataFrame:
    ranked = frame.sort_values([query, score_column], ascending=[True, False], kind="stable")
    return ranked.groupby(query, sort=False).head(k)


def mean_average_precision_at_k(frame: pd.DataFrame, score_column: str, k: int, is_good: str = "is_good",
                                query: str = "isrc") -> float:
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


def mean_recall_at_k(frame: pd.DataFrame, score_column: str, k: int, is_good: str = "is_good",
                     query: str = "isrc") -> float:
    """Share of each query's good candidates that reach the top k, averaged over queries that have any."""
    totals = frame.groupby(query)[is_good].sum()
    found = _top_k(frame, score_column, k, query).groupby(query)[is_good].sum()
    has_good = totals[totals > 0].index
    return float((found.reindex(has_good) / totals[has_good]).mean()) if len(has_good) else float("nan")


def catalog_coverage(frame: pd.DataFrame, score_column: str, k: int, all_items: int,
                     item: str = "playlist_id", query: str = "isrc") -> float:
    """Share of all playlists that appear in at least one top-k list: low coverage means a few
    playlists receive every pitch."""
    return _top_k(frame, score_column, k, query)[item].nunique() / all_items if all_items else float("nan")


def share_of_artists_served(frame: pd.DataFrame, score_column: str, k: int, is_good: str = "is_good",
                            query: str = "isrc", artist: str = "artist_id") -> float:
    """Share of artists with at least one good candidate in the top k of one of their tracks."""
    top = _top_k(frame, score_column, k, query)
    return float(top.groupby(artist)[is_good].any().reindex(frame[artist].unique(), fill_value=False).mean())
