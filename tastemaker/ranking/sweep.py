"""A small hyperparameter search for the ranker; each trial is reported to a callback (the
training run logs it as a nested MLflow run).

Trials are judged on the validation fold (the placements just before the cut-off, see
`ranking.dataset`), never on the holdout: the holdout must stay untouched to judge the chosen
model and to compare it with the champion.
"""

from __future__ import annotations

from collections.abc import Callable

import optuna
import pandas as pd

from tastemaker.errors import UserError
from tastemaker.metrics import mean_ndcg_at_k
from tastemaker.ranking.dataset import model_input
from tastemaker.ranking.model import fit_ranker


def search_space(trial: optuna.Trial) -> dict:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.2, log=True),
        "n_estimators": trial.suggest_int("n_estimators", 50, 400, step=50),
        "num_leaves": trial.suggest_int("num_leaves", 3, 31),
        "min_child_samples": trial.suggest_int("min_child_samples", 5, 60),
    }


def sweep(
    training: pd.DataFrame,
    validation: pd.DataFrame,
    trials: int,
    seed: int,
    base: dict,
    threads: int,
    on_trial: Callable[[int, dict, float], None],
) -> dict:
    """Best hyperparameters after `trials` trials (those not searched stay as in `base`); each
    trial's number, hyperparameters and validation NDCG@10 go to `on_trial` as it ends."""
    if not (validation["grade"] > 0).any():
        raise UserError(
            "the validation fold holds no placement to judge a hyperparameter search on: "
            "raise train.validation_days"
        )
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial: optuna.Trial) -> float:
        hyperparameters = {**base, **search_space(trial)}
        ranker = fit_ranker(training, hyperparameters, seed, threads)
        score = mean_ndcg_at_k(
            validation.assign(score=ranker.predict(None, model_input(validation))), "score", 10
        )
        on_trial(trial.number, hyperparameters, score)
        return score

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=trials)
    return {**base, **study.best_params}
