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
    """Mean NDCG@k over queries, each ranked by `score_column` (ties broken by row order)."""
    values = []
    for _, group in frame.groupby(query, sort=False):
        ranked = group.sort_values(score_column, ascending=False, kind="stable")
        value = ndcg_at_k(ranked[grade].to_numpy(), k)
        if value is not None:
            values.append(value)
    return float(np.mean(values)) if values else float("nan")
