"""MLflow: the experiment, the logged training run and the guarded model registry.

A new model version always gets the alias `challenger`. It takes `champion` only if it beats
the current champion on the *same* holdout by the configured margin without letting a guarded
metric fall by more than the tolerance; the decision and its numbers are tagged on the version,
so anyone can see why a model is or is not serving.
"""

from __future__ import annotations

from dataclasses import dataclass

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from tastemaker.endpoints import Endpoints

CHAMPION = "champion"
CHALLENGER = "challenger"


@dataclass(frozen=True)
class PromotionDecision:
    promoted: bool
    reason: str
    challenger_score: float
    champion_score: float | None


def use_experiment(endpoints: Endpoints, name: str) -> str:
    """Point MLflow at the tracking store and return the experiment id, creating it on first use."""
    mlflow.set_tracking_uri(endpoints.mlflow_tracking_uri)
    mlflow.set_registry_uri(endpoints.mlflow_tracking_uri)
    experiment = mlflow.get_experiment_by_name(name)
    if experiment is not None:
        return experiment.experiment_id
    return mlflow.create_experiment(name, artifact_location=endpoints.mlflow_artifact_root)


def champion_uri(model_name: str) -> str:
    return f"models:/{model_name}@{CHAMPION}"


def current_champion_version(client: MlflowClient, model_name: str) -> str | None:
    try:
        return str(client.get_model_version_by_alias(model_name, CHAMPION).version)
    except MlflowException:
        return None


def decide_promotion(
    challenger: dict[str, float],
    champion: dict[str, float] | None,
    target_metric: str,
    guarded_metrics: list[str],
    margin: float,
    tolerance: float,
) -> PromotionDecision:
    """Pure decision rule, kept apart from MLflow so it is tested on plain numbers."""
    score = challenger[target_metric]
    if champion is None:
        return PromotionDecision(True, "no champion yet", score, None)
    champion_score = champion[target_metric]
    if score <= champion_score + margin:  # a tie is not a win: the serving model stays
        return PromotionDecision(
            False, f"{target_metric} {score:.4f} does not beat champion {champion_score:.4f} by {margin}",
            score, champion_score,
        )
    for metric in guarded_metrics:
        if challenger[metric] < champion[metric] - tolerance:
            return PromotionDecision(
                False, f"{metric} regresses from {champion[metric]:.4f} to {challenger[metric]:.4f}",
                score, champion_score,
            )
    return PromotionDecision(True, f"{target_metric} {score:.4f} beats champion {champion_score:.4f}", score, champion_score)


def record_decision(client: MlflowClient, model_name: str, version: str, decision: PromotionDecision) -> None:
    client.set_registered_model_alias(model_name, CHALLENGER, version)
    client.set_model_version_tag(model_name, version, "promotion.decision", "promoted" if decision.promoted else "kept as challenger")
    client.set_model_version_tag(model_name, version, "promotion.reason", decision.reason)
    client.set_model_version_tag(model_name, version, "promotion.challenger_score", f"{decision.challenger_score:.6f}")
    if decision.champion_score is not None:
        client.set_model_version_tag(model_name, version, "promotion.champion_score", f"{decision.champion_score:.6f}")
    if decision.promoted:
        client.set_registered_model_alias(model_name, CHAMPION, version)
