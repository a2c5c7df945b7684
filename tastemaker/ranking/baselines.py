"""Rankings a label could produce without the learning-to-rank model, on the same holdout.

The model is only worth running if it beats these: a random order, the most-followed playlists
first, cosine similarity between the track and the playlist's sound profile (the method the
field starts from), and a pointwise scikit-learn regressor on the very same features.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from tastemaker.ranking.pair_features import FeatureScaler, cosine_similarity, model_features


def baseline_scores(training: pd.DataFrame, holdout: pd.DataFrame, scaler: FeatureScaler, seed: int) -> dict[str, np.ndarray]:
    cosine = cosine_similarity(scaler.standardise(holdout, "t_"), scaler.standardise(holdout, "p_"))
    regressor = HistGradientBoostingRegressor(random_state=seed).fit(
        model_features(training, scaler), training["grade"].to_numpy()
    )
    return {
        "random": np.random.default_rng(seed).random(len(holdout)),
        "most_followed": holdout["p_log_followers"].to_numpy(dtype=float),
        "cosine": np.nan_to_num(cosine, nan=-1.0),
        "sklearn": regressor.predict(model_features(holdout, scaler)),
    }
