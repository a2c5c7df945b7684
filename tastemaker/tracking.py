"""The MLflow adapter: the experiment, the registered ranker and the guarded model registry.

A new model version always gets the alias `challenger`. It takes `champion` only if, on the
*same* evaluation set, it is significantly better than the current champion on the headline and
not worse on cold tracks (the rule is `tastemaker.ranking.promotion.decide_promotion`); the
decision and its numbers, intervals included, are tagged on the version, so anyone can see why a
model is or is not serving.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

import mlflow
import numpy as np
import pandas as pd  # resolved at run time: MLflow reads the pyfunc's `predict` type hints
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from tastemaker.endpoints import Endpoints
from tastemaker.ranking.promotion import PromotionDecision

if TYPE_CHECKING:
    from tastemaker.ranking.model import RankerModel

CHAMPION = "champion"
CHALLENGER = "challenger"


def connect(endpoints: Endpoints) -> None:
    """Point MLflow's tracking and registry at the configured store.

    Also quiets what MLflow prints on its own in a stage's log: a progress bar per model download,
    a URL banner after every run, INFO lines on database set-up and input-example checks, and the
    warning on every `log_model` that a Python object is pickled (the ranker is our own class,
    logged and loaded only by this code). The stages report their own progress; MLflow's other
    warnings and its errors still show."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    logging.getLogger("mlflow.pyfunc").addFilter(_not_the_pickle_warning)
    mlflow.set_tracking_uri(endpoints.mlflow_tracking_uri)
    mlflow.set_registry_uri(endpoints.mlflow_tracking_uri)


def _not_the_pickle_warning(record: logging.LogRecord) -> bool:
    return "serialized using CloudPickle" not in record.getMessage()


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


class RegisteredRanker(mlflow.pyfunc.PythonModel):
    """What is logged and registered: a `RankerModel` behind MLflow's pyfunc interface."""

    def __init__(self, ranker: RankerModel):
        self.ranker = ranker

    def predict(self, context, model_input: pd.DataFrame, params=None) -> np.ndarray:
        return self.ranker.predict(context, model_input)


def load_ranker(uri: str) -> RankerModel:
    """The registered ranker itself, for what the pyfunc interface cannot ask: why a score."""
    return mlflow.pyfunc.load_model(uri).unwrap_python_model().ranker


def current_champion_version(client: MlflowClient, model_name: str) -> str | None:
    try:
        return str(client.get_model_version_by_alias(model_name, CHAMPION).version)
    except MlflowException:
        return None


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
