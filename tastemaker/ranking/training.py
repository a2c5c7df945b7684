"""One training run: fit, evaluate against baselines on the holdout, log, register, guard.

Metric names are the same in every run (`ndcg_at_10`, `baseline_cosine_ndcg_at_10`, ...),
so runs line up column by column in the MLflow UI.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from mlflow.models import infer_signature

from tastemaker import tracking
from tastemaker.config import TrainParams
from tastemaker.endpoints import Endpoints
from tastemaker.lineage import Lineage
from tastemaker.metrics import mean_ndcg_at_k
from tastemaker.ranking.baselines import baseline_scores
from tastemaker.ranking.dataset import RankingData
from tastemaker.ranking.model import fit_ranker

CUTOFFS = (5, 10)
TARGET_METRIC = "ndcg_at_10"
GUARDED_METRICS = ["ndcg_at_5"]
HYPERPARAMETERS = ("learning_rate", "n_estimators", "num_leaves", "min_child_samples")
MODEL_REQUIREMENTS = ["lightgbm", "pandas", "numpy", "scikit-learn"]


@dataclass
class TrainingReport:
    run_id: str
    model_name: str
    model_version: str
    champion_version: str
    promoted: bool
    reason: str
    metrics: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def ranking_metrics(holdout: pd.DataFrame, scores: np.ndarray, prefix: str = "") -> dict[str, float]:
    scored = holdout.assign(score=scores)
    return {f"{prefix}ndcg_at_{k}": mean_ndcg_at_k(scored, "score", k) for k in CUTOFFS}


def train_and_register(data: RankingData, params: TrainParams, lineage: Lineage, endpoints: Endpoints) -> TrainingReport:
    if data.training.empty or data.holdout.empty:
        raise ValueError("not enough placements to train and evaluate: need reports before and after the cut-off")
    tracking.use_experiment(endpoints, params.experiment)
    client = MlflowClient()
    hyperparameters = {name: getattr(params, name) for name in HYPERPARAMETERS}
    with mlflow.start_run(tags={**lineage.as_tags(), "run_type": "training"}) as run:
        mlflow.log_params({**hyperparameters, "holdout_days": params.holdout_days, "seed": params.seed,
                           "cutoff": data.cutoff.date().isoformat(),
                           "training_pairs": len(data.training), "holdout_pairs": len(data.holdout)})
        ranker = fit_ranker(data.training, hyperparameters, params.seed)
        metrics = ranking_metrics(data.holdout, ranker.predict(None, data.holdout))
        for name, scores in baseline_scores(data.holdout, ranker.scaler, params.seed).items():
            metrics.update(ranking_metrics(data.holdout, scores, prefix=f"baseline_{name}_"))
        mlflow.log_metrics(metrics)
        _log_artifacts(ranker, data)
        example = data.holdout.drop(columns=["engagement", "grade"]).head(5)
        info = mlflow.pyfunc.log_model(
            name="ranker",
            python_model=ranker,
            signature=infer_signature(example, ranker.predict(None, example)),
            input_example=example,
            registered_model_name=params.model_name,
            pip_requirements=MODEL_REQUIREMENTS,
        )
    version = str(info.registered_model_version)
    decision = tracking.decide_promotion(
        metrics, _champion_metrics(client, params.model_name, data.holdout),
        TARGET_METRIC, GUARDED_METRICS, params.promotion_margin, params.guard_tolerance,
    )
    tracking.record_decision(client, params.model_name, version, decision)
    return TrainingReport(
        run_id=run.info.run_id, model_name=params.model_name, model_version=version,
        champion_version=tracking.current_champion_version(client, params.model_name) or "",
        promoted=decision.promoted, reason=decision.reason, metrics=metrics,
    )


def _champion_metrics(client: MlflowClient, model_name: str, holdout: pd.DataFrame) -> dict[str, float] | None:
    """Score the serving champion on today's holdout, so the comparison is like for like."""
    if tracking.current_champion_version(client, model_name) is None:
        return None
    champion = mlflow.pyfunc.load_model(tracking.champion_uri(model_name))
    return ranking_metrics(holdout, champion.predict(holdout.drop(columns=["engagement", "grade"])))


def _log_artifacts(ranker, data: RankingData) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        ranker.feature_importance().to_csv(folder / "feature_importance.csv", index=False)
        (folder / "grade_thresholds.json").write_text(json.dumps(data.grade_thresholds))
        mlflow.log_artifacts(str(folder), artifact_path="evaluation")
