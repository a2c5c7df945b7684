"""The LightGBM LambdaRank re-ranker and the MLflow model that wraps it.

`RankerModel` is what gets logged and registered: it holds the booster and the feature
scaler, and builds the model features itself, so anyone holding `models:/<name>@champion`
scores raw pair inputs (see `tastemaker.ranking.inputs`).
"""

from __future__ import annotations

import lightgbm
import mlflow.pyfunc
import numpy as np
import pandas as pd

from tastemaker.ranking.pair_features import FeatureScaler, model_features


class RankerModel(mlflow.pyfunc.PythonModel):
    def __init__(self, booster: lightgbm.Booster, scaler: FeatureScaler):
        self.booster = booster
        self.scaler = scaler

    def predict(self, context, model_input: pd.DataFrame, params=None) -> np.ndarray:
        return self.booster.predict(model_features(model_input, self.scaler))

    def feature_importance(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"feature": self.booster.feature_name(), "gain": self.booster.feature_importance("gain")}
        ).sort_values("gain", ascending=False, ignore_index=True)


def fit_ranker(training: pd.DataFrame, hyperparameters: dict, seed: int, threads: int = 1) -> RankerModel:
    """Fit LambdaRank with one query per track; `training` must be grouped by isrc."""
    scaler = FeatureScaler.fit(training.drop_duplicates("isrc"))
    features = model_features(training, scaler)
    group_sizes = training.groupby("isrc", sort=False).size().to_numpy()
    dataset = lightgbm.Dataset(features, label=training["grade"].to_numpy(), group=group_sizes,
                               params={"max_bin": hyperparameters.get("max_bin", 255)})
    booster = lightgbm.train(
        {
            "objective": "lambdarank",
            "metric": "ndcg",
            "eval_at": [10],
            "learning_rate": hyperparameters["learning_rate"],
            "num_leaves": hyperparameters["num_leaves"],
            "min_child_samples": hyperparameters["min_child_samples"],
            "feature_fraction": hyperparameters.get("feature_fraction", 1.0),
            "seed": seed,
            "deterministic": True,
            "num_threads": threads,
            "verbosity": -1,
        },
        dataset,
        num_boost_round=hyperparameters["n_estimators"],
    )
    return RankerModel(booster, scaler)
