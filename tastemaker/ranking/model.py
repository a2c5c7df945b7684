"""The LightGBM LambdaRank re-ranker.

`RankerModel` holds the booster, the feature scaler and the model features it was fitted on, and
builds those features itself, so anyone holding it (through `models:/<name>@champion`, where
`tastemaker.tracking` registers it) scores raw pair inputs (see `tastemaker.ranking.inputs`).
`predict` keeps MLflow's pyfunc signature so the registered model and this one are called alike. Fitting on a
subset of the features is how the ablations and the genre+popularity reference are made: the
same learner, less information.
"""

from __future__ import annotations

import lightgbm
import numpy as np
import pandas as pd

from tastemaker.ranking.contributions import background_sample, group_contributions
from tastemaker.ranking.pair_features import FeatureScaler, model_features

BACKGROUND_PAIRS = (
    64  # typical pairs that lend removed evidence (ranking.contributions); 64 keeps the mean stable
)


class RankerModel:
    def __init__(
        self, booster: lightgbm.Booster, scaler: FeatureScaler, columns: list[str], background: pd.DataFrame
    ):
        self.booster = booster
        self.scaler = scaler
        self.columns = columns
        self.background = background  # typical training pairs' features: what removed evidence is replaced by

    def predict(self, context, model_input: pd.DataFrame, params=None) -> np.ndarray:
        return self.booster.predict(self.features(model_input))

    def features(self, model_input: pd.DataFrame) -> pd.DataFrame:
        return model_features(model_input, self.scaler)[self.columns]

    def contributions(self, model_input: pd.DataFrame) -> pd.DataFrame:
        """Each evidence group's share of every row's score (see `ranking.contributions`)."""
        return group_contributions(self.booster, self.features(model_input))

    def feature_importance(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"feature": self.booster.feature_name(), "gain": self.booster.feature_importance("gain")}
        ).sort_values("gain", ascending=False, ignore_index=True)


def fit_ranker(
    training: pd.DataFrame,
    hyperparameters: dict,
    seed: int,
    threads: int = 1,
    validation: pd.DataFrame | None = None,
    columns: list[str] | None = None,
) -> RankerModel:
    """Fit LambdaRank; `training` (and `validation`) hold each query's rows together.

    With a validation fold that has graded pairs, boosting stops once NDCG@10 there has not
    improved for `early_stopping_rounds` rounds (a hyperparameter), and the best iteration is kept.
    """
    scaler = FeatureScaler.fit(training.drop_duplicates("isrc"))
    features = model_features(training, scaler)
    columns = list(columns or features.columns)
    dataset = _dataset(training, features[columns], hyperparameters)
    valid_sets, callbacks = [], []
    if validation is not None and (validation["grade"] > 0).any():
        valid_sets = [
            _dataset(
                validation, model_features(validation, scaler)[columns], hyperparameters, reference=dataset
            )
        ]
        patience = hyperparameters.get("early_stopping_rounds", hyperparameters["n_estimators"])
        callbacks = [lightgbm.early_stopping(patience, first_metric_only=True, verbose=False)]
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
        valid_sets=valid_sets,
        callbacks=callbacks,
    )
    return RankerModel(booster, scaler, columns, background_sample(features[columns], BACKGROUND_PAIRS, seed))


def query_sizes(pairs: pd.DataFrame) -> np.ndarray:
    """Rows per query, in row order: a query is a track within one training window (see `ranking.dataset`)."""
    keys = ["window", "isrc"] if "window" in pairs.columns else ["isrc"]
    return pairs.groupby(keys, sort=False).size().to_numpy()


def _dataset(
    pairs: pd.DataFrame, features: pd.DataFrame, hyperparameters: dict, reference=None
) -> lightgbm.Dataset:
    group_sizes = query_sizes(pairs)
    return lightgbm.Dataset(
        features,
        label=pairs["grade"].to_numpy(),
        group=group_sizes,
        reference=reference,
        params={"max_bin": hyperparameters.get("max_bin", 255)},
    )
