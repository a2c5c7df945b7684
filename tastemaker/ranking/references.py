"""The rankings the model is judged against, on the same evaluation set.

The model is only worth running if it beats what a label could do without it: a random order,
the most-followed playlists first, cosine similarity between the track and the playlist's sound
profile (where the field starts), a pointwise scikit-learn regressor on the model's own
features, and genre+popularity: the same LambdaRank learner given only the public facts (genre
match, artist popularity, playlist followers), which is what "the model listens" must beat. In a
world with a truth, two oracles bound the achievable: the hidden appeal itself, and the appeal
with every sound term removed, which says how much of the ranking only sound can give.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from tastemaker.ranking.model import fit_ranker
from tastemaker.ranking.pair_features import (
    GENRE_POPULARITY_FEATURES,
    FeatureScaler,
    cosine_similarity,
    model_features,
)


def reference_scores(
    training: pd.DataFrame,
    validation: pd.DataFrame,
    evaluation: pd.DataFrame,
    scaler: FeatureScaler,
    hyperparameters: dict,
    seed: int,
    threads: int,
) -> dict[str, np.ndarray]:
    """Scores of every reference on `evaluation`, aligned with its rows."""
    cosine = cosine_similarity(scaler.standardise(evaluation, "t_"), scaler.standardise(evaluation, "p_"))
    training_features = model_features(training, scaler)
    known = training_features.columns[
        training_features.notna().any()
    ]  # the regressor cannot bin an empty column
    regressor = HistGradientBoostingRegressor(random_state=seed).fit(
        training_features[known], training["grade"].to_numpy()
    )
    genre_popularity = fit_ranker(
        training,
        hyperparameters,
        seed,
        threads,
        validation=validation,
        columns=list(GENRE_POPULARITY_FEATURES),
    )
    scores = {
        "random": np.random.default_rng(seed).random(len(evaluation)),
        "most_followed": evaluation["p_log_followers"].to_numpy(dtype=float),
        "cosine": np.nan_to_num(cosine, nan=-1.0),
        "sklearn": regressor.predict(model_features(evaluation, scaler)[known]),
        "genre_popularity": genre_popularity.predict(None, evaluation),
    }
    for oracle, column in (("oracle", "appeal"), ("oracle_without_sound", "appeal_without_sound")):
        if column in evaluation.columns:
            scores[oracle] = evaluation[column].to_numpy(dtype=float)
    return scores
