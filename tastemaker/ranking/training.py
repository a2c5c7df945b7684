"""One training run: fit, evaluate against baselines on the holdout, log, register, guard."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.models import infer_signature

from tastemaker import tracking
from tastemaker.config import TrainParams
from tastemaker.endpoints import Endpoints
from tastemaker.exports import write_spreadsheet_csv
from tastemaker.ranking.baselines import baseline_scores
from tastemaker.ranking.dataset import RankingData, model_input
from tastemaker.ranking.evaluation import ndcg_curve, oracle_scores, per_artist, ranking_metrics
from tastemaker.ranking.model import RankerModel, fit_ranker
from tastemaker.ranking.sweep import sweep

TARGET_METRIC = "ndcg_at_10"
GUARDED_METRICS = ["ndcg_at_5"]
HYPERPARAMETERS = ("learning_rate", "n_estimators", "num_leaves", "min_child_samples", "max_bin", "feature_fraction")
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
    ndcg_curve: pd.DataFrame | None = None

    def as_dict(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if key != "ndcg_curve"}


@dataclass
class Evaluation:
    metrics: dict[str, float]
    curve: pd.DataFrame
    per_artist: pd.DataFrame


def evaluate(ranker: RankerModel, data: RankingData, playlists_total: int, seed: int,
             appeal: pd.DataFrame | None) -> Evaluation:
    """The model, every baseline and (in the demo world) the oracle, on one holdout."""
    holdout = data.holdout
    model_scores = ranker.predict(None, model_input(holdout))
    scores = {"model": model_scores}
    scores.update({f"baseline_{name}": values
                   for name, values in baseline_scores(data.training, holdout, ranker.scaler, seed).items()})
    if appeal is not None:
        scores["oracle"] = oracle_scores(holdout, appeal)
    metrics = {}
    for name, values in scores.items():
        metrics.update(ranking_metrics(holdout, values, playlists_total, prefix="" if name == "model" else f"{name}_"))
    return Evaluation(metrics, ndcg_curve(holdout, scores), per_artist(holdout, model_scores))


def train_and_register(data: RankingData, params: TrainParams, tags: dict[str, str], endpoints: Endpoints,
                       playlists_total: int, appeal: pd.DataFrame | None = None,
                       sweep_trials: int = 0) -> TrainingReport:
    """Fit on the training side of the split, log everything to MLflow, register, then apply the guard.

    With `sweep_trials`, the hyperparameters come from a search (nested runs) instead of params.yaml.
    """
    if data.training.empty or data.holdout.empty:
        raise ValueError("not enough placements to train and evaluate: need reports before and after the cut-off")
    tracking.use_experiment(endpoints, params.experiment)
    client = MlflowClient()
    hyperparameters = {name: getattr(params, name) for name in HYPERPARAMETERS}
    with mlflow.start_run(tags={**tags, "run_type": "training"}) as run:
        if sweep_trials:
            hyperparameters = sweep(data.training, sweep_trials, params.seed, hyperparameters, params.threads)
            mlflow.set_tag("sweep_trials", str(sweep_trials))
        mlflow.log_params({**hyperparameters, "holdout_days": params.holdout_days, "seed": params.seed,
                           "cutoff": data.cutoff.date().isoformat(),
                           "training_pairs": len(data.training), "holdout_pairs": len(data.holdout)})
        _log_datasets(data)
        ranker = fit_ranker(data.training, hyperparameters, params.seed, params.threads)
        evaluation = evaluate(ranker, data, playlists_total, params.seed, appeal)
        mlflow.log_metrics(evaluation.metrics)
        _log_artifacts(ranker, evaluation)
        example = model_input(data.holdout).head(5)
        info = mlflow.pyfunc.log_model(
            name="ranker",
            python_model=ranker,
            signature=infer_signature(example, ranker.predict(None, example)),
            input_example=example,
            registered_model_name=params.model_name,
            pip_requirements=MODEL_REQUIREMENTS,
        )
    version = str(info.registered_model_version)
    client.set_tag(run.info.run_id, "model_version", version)  # lineage: the run names the version it made
    decision = tracking.decide_promotion(
        evaluation.metrics, _champion_metrics(client, params.model_name, data, playlists_total),
        TARGET_METRIC, GUARDED_METRICS, params.promotion_margin, params.guard_tolerance,
    )
    tracking.record_decision(client, params.model_name, version, decision)
    return TrainingReport(
        run_id=run.info.run_id, model_name=params.model_name, model_version=version,
        champion_version=tracking.current_champion_version(client, params.model_name) or "",
        promoted=decision.promoted, reason=decision.reason, metrics=evaluation.metrics,
        ndcg_curve=evaluation.curve,
    )


def _champion_metrics(client: MlflowClient, model_name: str, data: RankingData,
                      playlists_total: int) -> dict[str, float] | None:
    """Score the serving champion on today's holdout, so the comparison is like for like."""
    if tracking.current_champion_version(client, model_name) is None:
        return None
    champion = mlflow.pyfunc.load_model(tracking.champion_uri(model_name))
    return ranking_metrics(data.holdout, champion.predict(model_input(data.holdout)), playlists_total)


def _log_datasets(data: RankingData) -> None:
    for context, frame in (("training", data.training), ("holdout", data.holdout)):
        graded = frame.astype({"grade": float})  # a float target keeps MLflow's schema honest about gaps
        dataset = mlflow.data.from_pandas(graded, name=f"placements-{context}", targets="grade")
        mlflow.log_input(dataset, context=context)


def _log_artifacts(ranker: RankerModel, evaluation: Evaluation) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        ranker.feature_importance().to_csv(folder / "feature_importance.csv", index=False)
        write_spreadsheet_csv(evaluation.per_artist, folder / "per_artist.csv")  # artist ids come from a label
        evaluation.curve.to_csv(folder / "ndcg_at_k.csv", index=False)
        axes = evaluation.curve.set_index("k").plot(title="NDCG@k on the holdout", ylabel="NDCG", figsize=(7, 4))
        axes.figure.savefig(folder / "ndcg_at_k.png", dpi=100, bbox_inches="tight")
        mlflow.log_artifacts(str(folder), artifact_path="evaluation")
