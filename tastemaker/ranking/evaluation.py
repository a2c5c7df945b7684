"""Holdout evaluation: the same metrics for the model, every baseline and the oracle.

Names are fixed (`ndcg_at_10`, `baseline_cosine_ndcg_at_10`, `oracle_ndcg_at_10`, ...) so that
runs line up column by column in MLflow and in `dvc metrics show`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tastemaker.metrics import (
    catalog_coverage,
    mean_average_precision_at_k,
    mean_ndcg_at_k,
    mean_recall_at_k,
    share_of_artists_served,
)

CURVE_CUTOFFS = range(1, 21)


def ranking_metrics(holdout: pd.DataFrame, scores: np.ndarray, playlists_total: int, prefix: str = "") -> dict[str, float]:
    scored = holdout.assign(score=scores)
    metrics = {
        "ndcg_at_5": mean_ndcg_at_k(scored, "score", 5),
        "ndcg_at_10": mean_ndcg_at_k(scored, "score", 10),
        "map_at_10": mean_average_precision_at_k(scored, "score", 10),
        "recall_at_10": mean_recall_at_k(scored, "score", 10),
        "coverage_at_10": catalog_coverage(scored, "score", 10, playlists_total),
        "artists_served_at_10": share_of_artists_served(scored, "score", 10),
    }
    return {f"{prefix}{name}": value for name, value in metrics.items()}


def oracle_scores(holdout: pd.DataFrame, appeal: pd.DataFrame) -> np.ndarray:
    """The hidden appeal of each holdout pair (demo world only): the best ranking anyone could learn."""
    joined = holdout[["isrc", "playlist_id"]].merge(appeal[["isrc", "playlist_id", "appeal"]],
                                                   on=["isrc", "playlist_id"], how="left")
    return joined["appeal"].fillna(0.0).to_numpy()


def ndcg_curve(holdout: pd.DataFrame, scores_by_ranker: dict[str, np.ndarray]) -> pd.DataFrame:
    """NDCG@k for k = 1..20, one column per ranker: the plot `dvc plots show` draws."""
    rows = []
    for k in CURVE_CUTOFFS:
        row = {"k": k}
        for name, scores in scores_by_ranker.items():
            row[name] = mean_ndcg_at_k(holdout.assign(score=scores), "score", k)
        rows.append(row)
    return pd.DataFrame(rows)


def per_artist(holdout: pd.DataFrame, scores: np.ndarray) -> pd.DataFrame:
    """How the model does for each artist: a label manager's first question."""
    scored = holdout.assign(score=scores)
    rows = []
    for artist_id, group in scored.groupby("artist_id"):
        top = group.sort_values(["isrc", "score"], ascending=[True, False]).groupby("isrc").head(10)
        rows.append({"artist_id": artist_id, "tracks": group["isrc"].nunique(), "pairs": len(group),
                     "ndcg_at_10": mean_ndcg_at_k(group, "score", 10), "good_in_top_10": int(top["is_good"].sum())})
    return pd.DataFrame(rows)
