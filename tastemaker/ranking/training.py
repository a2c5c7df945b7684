"""One tracked training run: fit and judge (pure, `ranking.judging`), log to MLflow, register, then
decide promotion on the intervals (pure, `ranking.promotion`).

This module and `tastemaker.tracking` are the MLflow adapters; tests/unit/test_layers.py keeps the
rest of the library free of MLflow.
"""

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
from tastemaker.errors import UserError
from tastemaker.ranking.dataset import RankingData, model_input
from tastemaker.ranking.evaluation import compare, ndcg_per_query
from tastemaker.ranking.judging import Judged, JudgingSettings, judge
from tastemaker.ranking.promotion import PromotionDecision, decide_promotion
from tastemaker.ranking.sweep import sweep

HYPERPARAMETERS = (
    "learning_rate",
    "n_estimators",
    "num_leaves",
    "min_child_samples",
    "max_bin",
    "feature_fraction",
    "early_stopping_rounds",
)
MODEL_REQUIREMENTS = ["lightgbm", "pandas", "numpy", "scikit-learn"]
GUARDED_SLICE = "cold"


@dataclass
class TrainingReport:
    run_id: str
    model_name: str
    model_version: str
    champion_version: str
    promoted: bool
    reason: str
    headline: str
    headline_value: float
    metrics: dict = field(default_factory=dict)  # nested, as dvc metrics show prints it
    curves: dict[str, pd.DataFrame] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if key not in ("curves", "metrics")}


def train_and_register(
    data: RankingData,
    shuffled: RankingData | None,
    params: TrainParams,
    tags: dict[str, str],
    endpoints: Endpoints,
    sweep_trials: int = 0,
    other_metrics: dict | None = None,
) -> TrainingReport:
    """Fit on the training side of the split, judge against the references and ablations, log
    everything to MLflow, register, then apply the promotion rule against the serving champion.

    With `sweep_trials`, the hyperparameters come from a search (nested runs) instead of params.yaml.
    `other_metrics` (nested like the report's) are logged and written beside the report's.
    """
    if data.training.empty:
        raise UserError(
            "not enough placements to train: need placements in the reports before "
            f"{data.fit_until.date()} (train.holdout_days + train.validation_days before the last report)"
        )
    experiment_id = tracking.use_experiment(endpoints, params.experiment)
    client = MlflowClient()
    hyperparameters = {name: getattr(params, name) for name in HYPERPARAMETERS}
    settings = JudgingSettings(params.seed, params.threads, params.bootstrap_samples, params.confidence)
    with mlflow.start_run(experiment_id=experiment_id, tags={**tags, "run_type": "training"}) as run:
        if sweep_trials:
            hyperparameters = sweep(
                data.training,
                data.validation,
                sweep_trials,
                params.seed,
                hyperparameters,
                params.threads,
                on_trial=_log_trial,
            )
            mlflow.set_tag("sweep_trials", str(sweep_trials))
        mlflow.log_params(
            {
                **hyperparameters,
                "holdout_days": params.holdout_days,
                "validation_days": params.validation_days,
                "seed": params.seed,
                "cutoff": data.cutoff.date().isoformat(),
                "fit_until": data.fit_until.date().isoformat(),
                "training_pairs": len(data.training),
                "evaluation_pairs": len(data.evaluation),
                "bootstrap_samples": params.bootstrap_samples,
            }
        )
        judged = judge(data, shuffled, hyperparameters, settings)
        report = judged.report
        if not report.per_query[report.headline].size:
            raise UserError(
                f"nothing to evaluate {report.headline} on: no placement after the cut-off "
                f"{data.cutoff.date()} and no truth beside the landing zone"
            )
        report.metrics.update(other_metrics or {})
        mlflow.set_tag("headline", report.headline)
        _log_artifacts(judged)
        example = model_input(data.evaluation).head(5)
        # The model before its metrics: log_model reads back every metric already on the run, one
        # request each, which takes minutes for our 750 metrics on a tracking server.
        info = mlflow.pyfunc.log_model(
            name="ranker",
            python_model=tracking.RegisteredRanker(judged.model),
            signature=infer_signature(example, judged.model.predict(None, example)),
            input_example=example,
            registered_model_name=params.model_name,
            pip_requirements=MODEL_REQUIREMENTS,
        )
        mlflow.log_metrics(report.flat(), model_id=info.model_id)
    version = str(info.registered_model_version)
    client.set_tag(run.info.run_id, "model_version", version)  # lineage: the run names the version it made
    decision = _decide_against_champion(client, params, data, judged)
    tracking.record_decision(client, params.model_name, version, decision)
    return TrainingReport(
        run_id=run.info.run_id,
        model_name=params.model_name,
        model_version=version,
        champion_version=tracking.current_champion_version(client, params.model_name) or "",
        promoted=decision.promoted,
        reason=decision.reason,
        headline=report.headline,
        headline_value=float(report.metrics["headline"]),
        metrics=report.as_json(),
        curves=report.curves,
    )


def _decide_against_champion(
    client: MlflowClient, params: TrainParams, data: RankingData, judged: Judged
) -> PromotionDecision:
    """Score the serving champion on today's evaluation set, so the comparison is like for like and paired."""
    report = judged.report
    challenger = report.per_query[report.headline]

    def unopposed(**why: str) -> PromotionDecision:
        """The decision with no champion scores to compare against (`why` may say why there are none)."""
        return decide_promotion(
            report.headline,
            challenger.mean(),
            None,
            None,
            None,
            params.promotion_margin,
            params.guard_tolerance,
            **why,
        )

    if tracking.current_champion_version(client, params.model_name) is None:
        return unopposed()
    try:
        champion_model = mlflow.pyfunc.load_model(tracking.champion_uri(params.model_name))
        champion_scores = champion_model.predict(model_input(data.evaluation))
    except Exception as error:  # noqa: BLE001 - a champion that cannot score today cannot serve today either
        return unopposed(
            no_champion=f"the champion cannot score today's inputs ({type(error).__name__}: {str(error)[:200]})"
        )
    champion = ndcg_per_query(data.evaluation, champion_scores, report.headline)
    cold = set(data.query_slices.loc[data.query_slices[GUARDED_SLICE], "isrc"])
    samples, confidence, seed = params.bootstrap_samples, params.confidence, params.seed
    return decide_promotion(
        report.headline,
        challenger.mean(),
        champion.mean(),
        compare(challenger, champion, None, samples, confidence, seed),
        compare(challenger, champion, cold, samples, confidence, seed),
        params.promotion_margin,
        params.guard_tolerance,
    )


def _log_trial(number: int, hyperparameters: dict, score: float) -> None:
    """A sweep trial as a run nested in the training run."""
    with mlflow.start_run(run_name=f"trial-{number}", nested=True, tags={"run_type": "sweep_trial"}):
        mlflow.log_params(hyperparameters)
        mlflow.log_metric("validation_ndcg_at_10", score)


def _log_artifacts(judged: Judged) -> None:
    import matplotlib.pyplot as plt

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        judged.model.feature_importance().to_csv(folder / "feature_importance.csv", index=False)
        for slice_name, curve in judged.report.curves.items():
            curve.to_csv(folder / f"ndcg_at_k_{slice_name}.csv", index=False)
            axes = curve.set_index("k").plot(
                title=f"NDCG@k, {slice_name} tracks", ylabel="NDCG", figsize=(7, 4)
            )
            axes.figure.savefig(folder / f"ndcg_at_k_{slice_name}.png", dpi=100, bbox_inches="tight")
            plt.close(axes.figure)
        mlflow.log_artifacts(str(folder), artifact_path="evaluation")
