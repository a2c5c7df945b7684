"""MLflow: the experiment, the logged training run and the guarded model registry.

A new model version always gets the alias `challenger`. It takes `champion` only if, on the
*same* evaluation set, it is significantly better than the current champion on the headline and
not worse on cold tracks (see `decide_promotion`); the decision and its numbers, intervals
included, are tagged on the version, so anyone can see why a model is or is not serving.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from tastemaker.endpoints import Endpoints
from tastemaker.metrics import Interval

CHAMPION = "champion"
CHALLENGER = "challenger"


@dataclass(frozen=True)
class PromotionDecision:
    promoted: bool
    reason: str
    challenger_score: float
    champion_score: float | None
    difference: Interval | None = None  # challenger minus champion on the headline, paired by query
    cold_difference: Interval | None = None


def connect(endpoints: Endpoints) -> None:
    """Point MLflow's tracking and registry at the configured store."""
    mlflow.set_tracking_uri(endpoints.mlflow_tracking_uri)
    mlflow.set_registry_uri(endpoints.mlflow_tracking_uri)


def use_experiment(endpoints: Endpoints, name: str) -> str:
    """Point MLflow at the tracking store and make `name` the active experiment (created on first use),
    so that every run started afterwards, nested ones included, lands in it; returns its id."""
    connect(endpoints)
    experiment = mlflow.get_experiment_by_name(name)
    experiment_id = (
        experiment.experiment_id
        if experiment is not None
        else mlflow.create_experiment(name, artifact_location=endpoints.mlflow_artifact_root)
    )
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id


def champion_uri(model_name: str) -> str:
    return f"models:/{model_name}@{CHAMPION}"


def version_uri(model_name: str, version: str | int) -> str:
    return f"models:/{model_name}/{version}"


def load_ranker(uri: str):
    """The registered ranker itself (a `RankerModel`), for what the pyfunc interface cannot ask: why a score."""
    return mlflow.pyfunc.load_model(uri).unwrap_python_model()


def current_champion_version(client: MlflowClient, model_name: str) -> str | None:
    try:
        return str(client.get_model_version_by_alias(model_name, CHAMPION).version)
    except MlflowException:
        return None


def decide_promotion(
    metric: str,
    challenger_score: float,
    champion_score: float | None,
    difference: Interval | None,
    cold_difference: Interval | None,
    margin: float,
    tolerance: float,
    no_champion: str = "no champion yet",
) -> PromotionDecision:
    """Pure decision rule, kept apart from MLflow so it is tested on plain numbers.

    A challenger serves only when it is significantly better on the headline (the lower end of
    its paired interval against the champion is above `margin`, so a gain inside the noise is not
    a win and a tie keeps the serving model), and it is not worse on the cold slice: neither
    significantly (the interval's upper end below 0) nor on average by more than `tolerance`.
    """

    def decision(promoted: bool, reason: str) -> PromotionDecision:
        return PromotionDecision(
            promoted, reason, challenger_score, champion_score, difference, cold_difference
        )

    if champion_score is None or difference is None:
        return decision(True, no_champion)
    shown = f"{metric} {difference.mean:+.4f} [{difference.low:+.4f}, {difference.high:+.4f}] against the champion"
    if not difference.low > margin:
        return decision(False, f"{shown}: not significantly better (the interval must lie above {margin})")
    if cold_difference is not None and not math.isnan(cold_difference.mean):
        cold = f"cold tracks {cold_difference.mean:+.4f} [{cold_difference.low:+.4f}, {cold_difference.high:+.4f}]"
        if cold_difference.high < 0:
            return decision(False, f"{shown}, but {cold}: significantly worse on cold tracks")
        if cold_difference.mean < -tolerance:
            return decision(False, f"{shown}, but {cold}: worse on cold tracks by more than {tolerance}")
    return decision(True, f"{shown}: significantly better")


def record_decision(client: MlflowClient, model_name: str, version: str, decision: PromotionDecision) -> None:
    client.set_registered_model_alias(model_name, CHALLENGER, version)
    tags = {
        "promotion.decision": "promoted" if decision.promoted else "kept as challenger",
        "promotion.reason": decision.reason,
        "promotion.challenger_score": f"{decision.challenger_score:.6f}",
    }
    if decision.champion_score is not None:
        tags["promotion.champion_score"] = f"{decision.champion_score:.6f}"
    for name, interval in (
        ("difference", decision.difference),
        ("cold_difference", decision.cold_difference),
    ):
        if interval is not None:
            tags.update(
                {
                    f"promotion.{name}.{part}": f"{getattr(interval, part):.6f}"
                    for part in ("mean", "low", "high")
                }
            )
    for key, value in tags.items():
        client.set_model_version_tag(model_name, version, key, value)
    if decision.promoted:
        client.set_registered_model_alias(model_name, CHAMPION, version)
