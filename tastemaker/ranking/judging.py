"""Fit the model and everything it is judged against, and judge them all on one evaluation set.

Pure (no MLflow): the train stage logs what this returns, and `benchmarks/evaluation.py` runs it
over several worlds. The ablations refit the very same learner with less: without any audio
feature, and with every track's audio given to another track (shuffled before the split, so
profiles, retrieval and features all see the shuffled sound). If the model listens, both lose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tastemaker.metrics import mean_ndcg_at_k
from tastemaker.ranking.dataset import RankingData
from tastemaker.ranking.evaluation import EvaluationReport, Ranking, evaluate_rankings
from tastemaker.ranking.model import RankerModel, fit_ranker
from tastemaker.ranking.pair_features import CONTEXT_FEATURES
from tastemaker.ranking.references import reference_scores


@dataclass(frozen=True)
class JudgingSettings:
    seed: int
    threads: int
    bootstrap_samples: int
    confidence: float


@dataclass
class Judged:
    model: RankerModel
    report: EvaluationReport


def shuffle_track_audio(features: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The same feature rows, each given to another track: sound that no longer belongs to its track."""
    permutation = np.random.default_rng([seed, 2]).permutation(len(features))
    return features.assign(isrc=features["isrc"].to_numpy()[permutation])


def judge(
    data: RankingData, shuffled: RankingData | None, hyperparameters: dict, settings: JudgingSettings
) -> Judged:
    """The model, the references and the ablations, scored and compared on `data.evaluation`."""
    seed, threads = settings.seed, settings.threads
    evaluation = data.evaluation
    retrieved = evaluation["retrieved"].to_numpy()
    model = fit_ranker(data.training, hyperparameters, seed, threads, validation=data.validation)
    rankings = {"model": Ranking(model.predict(None, evaluation), retrieved)}
    references = reference_scores(
        data.training, data.validation, evaluation, model.scaler, hyperparameters, seed, threads
    )
    rankings.update({name: Ranking(scores, retrieved) for name, scores in references.items()})
    without_audio = fit_ranker(
        data.training,
        hyperparameters,
        seed,
        threads,
        validation=data.validation,
        columns=list(CONTEXT_FEATURES),
    )
    rankings["ablation_no_audio"] = Ranking(without_audio.predict(None, evaluation), retrieved)
    if shuffled is not None:
        _check_aligned(evaluation, shuffled.evaluation)
        shuffled_model = fit_ranker(
            shuffled.training, hyperparameters, seed, threads, validation=shuffled.validation
        )
        rankings["ablation_shuffled_audio"] = Ranking(
            shuffled_model.predict(None, shuffled.evaluation), shuffled.evaluation["retrieved"].to_numpy()
        )
    report = evaluate_rankings(
        evaluation,
        data.query_slices,
        rankings,
        settings.bootstrap_samples,
        settings.confidence,
        seed,
        data.sampled_playlists,
    )
    report.metrics["training"] = _fit_diagnostics(model, data)
    return Judged(model, report)


def _check_aligned(evaluation: pd.DataFrame, other: pd.DataFrame) -> None:
    same = (
        len(evaluation) == len(other)
        and (
            evaluation[["isrc", "playlist_id"]].to_numpy() == other[["isrc", "playlist_id"]].to_numpy()
        ).all()
    )
    if not same:
        raise ValueError("the shuffled-audio evaluation set does not hold the same pairs in the same order")


def _fit_diagnostics(model: RankerModel, data: RankingData) -> dict:
    """How well the model fits what it learned from, beside the holdout: the overfitting gap."""
    training = data.training.assign(score=model.predict(None, data.training))
    diagnostics = {
        "placement_ndcg_at_10_on_training": mean_ndcg_at_k(training, "score", 10),
        "boosting_rounds": float(model.booster.best_iteration or model.booster.current_iteration()),
    }
    if not data.validation.empty:
        validation = data.validation.assign(score=model.predict(None, data.validation))
        diagnostics["placement_ndcg_at_10_on_validation"] = mean_ndcg_at_k(validation, "score", 10)
    return diagnostics
