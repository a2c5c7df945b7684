"""Rankings a label could produce without the model, scored on the same holdout.

The model is only worth running if it beats these: a random order, the most-followed
playlists first, and cosine similarity between the track and the playlist's sound profile
(the method the field starts from).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tastemaker.ranking.pair_features import FeatureScaler, cosine_similarity


def baseline_scores(pairs: pd.DataFrame, scaler: FeatureScaler, seed: int) -> dict[str, np.ndarray]:
    cosine = cosine_similarity(scaler.standardise(pairs, "t_"), scaler.standardise(pairs, "p_"))
    return {
        "random": np.random.default_rng(seed).random(len(pairs)),
        "most_followed": pairs["p_log_followers"].to_numpy(dtype=float),
        "cosine": np.nan_to_num(cosine, nan=-1.0),
    }
