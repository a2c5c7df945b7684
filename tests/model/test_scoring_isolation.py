"""One artist's failure in batch scoring is reported and costs the other artists nothing."""

import numpy as np
import pandas as pd
import pytest

from tastemaker.ranking.scoring import score_catalog


@pytest.fixture
def tables():
    rng = np.random.default_rng(0)
    catalog = pd.DataFrame(
        {
            "isrc": [f"T{i}" for i in range(6)],
            "artist_id": ["A", "A", "B", "B", "C", "C"],
            "genre": ["pop"] * 6,
        }
    )
    features = pd.DataFrame(rng.normal(size=(6, 4)), columns=["f1", "f2", "f3", "f4"]).assign(
        isrc=catalog["isrc"]
    )
    playlists = pd.DataFrame(
        {"playlist_id": ["P1", "P2", "P3"], "followers": [10, 200, 3000], "genre": ["pop", "rock", "pop"]}
    )
    streams = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-01"] * 3),
            "isrc": ["T0", "T2", "T4"],
            "playlist_id": ["P1", "P2", "P3"],
            "territory": "GB",
            "streams": [10, 20, 30],
            "listeners": [5, 10, 15],
            "skips": [1, 2, 3],
            "saves": [1, 1, 1],
        }
    )
    return {"catalog": catalog, "playlists": playlists, "streams": streams, "features": features}


class ModelThatFailsOn:
    """A model whose input for one track is broken, as a corrupt feature row would make it."""

    def __init__(self, broken_isrc):
        self.broken_isrc = broken_isrc

    def predict(self, raw):
        if (raw["isrc"] == self.broken_isrc).any():
            raise ValueError(f"cannot score {self.broken_isrc}")
        return raw["t_f1"].to_numpy()


def test_failing_artist_is_reported_and_others_are_scored(tables):
    result = score_catalog(ModelThatFailsOn("T3"), **tables, candidates_per_track=3, artists_per_batch=10)
    assert result.failures["artist_id"].tolist() == ["B"]
    assert "cannot score T3" in result.failures["error"].iloc[0]
    assert set(result.scores["artist_id"]) == {"A", "C"}
    assert set(result.scores["isrc"]) == {"T0", "T1", "T4", "T5"}


def test_without_failures_every_track_meets_every_retrieved_playlist(tables):
    result = score_catalog(ModelThatFailsOn("none"), **tables, candidates_per_track=3, artists_per_batch=2)
    assert result.failures.empty
    assert len(result.scores) == 6 * 3
    assert result.scores.set_index(["isrc", "playlist_id"]).loc[("T0", "P1"), "already_placed"]
