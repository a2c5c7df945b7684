"""Batched candidate retrieval finds, per track, the profiles a one-by-one cosine search would."""

import numpy as np
import pandas as pd
from sklearn.metrics.pairwise import cosine_similarity

from tastemaker.ranking import candidates
from tastemaker.ranking.candidates import retrieve_candidates
from tastemaker.ranking.pair_features import FeatureScaler


def world(seed=0, tracks=60, playlists=25, width=5):
    rng = np.random.default_rng(seed)
    track_frame = pd.DataFrame(rng.normal(size=(tracks, width)), columns=[f"t_f{i}" for i in range(width)])
    track_frame.insert(0, "isrc", [f"T{i}" for i in range(tracks)])
    track_frame["t_genre"], track_frame["t_artist_popularity"] = "pop", 1.0
    profiles = pd.DataFrame(rng.normal(size=(playlists, width)), columns=[f"p_f{i}" for i in range(width)])
    profiles.insert(0, "playlist_id", [f"P{i}" for i in range(playlists)])
    playlist_frame = pd.DataFrame(
        {
            "playlist_id": [f"P{i}" for i in range(playlists + 5)],
            "followers": rng.permutation(playlists + 5) * 100,
        }
    )
    return track_frame, profiles, playlist_frame


def test_each_track_gets_its_nearest_profiles_and_the_most_followed_playlists(monkeypatch):
    tracks, profiles, playlists = world()
    monkeypatch.setattr(candidates, "TRACKS_PER_BLOCK", 7)  # several blocks, the last one partial
    pairs = retrieve_candidates(tracks, profiles, playlists, per_track=4, popular=2)
    scaler = FeatureScaler.fit(tracks)
    similarity = cosine_similarity(scaler.standardise(tracks, "t_"), scaler.standardise(profiles, "p_"))
    popular = set(playlists.nlargest(2, "followers")["playlist_id"])
    for row, isrc in enumerate(tracks["isrc"]):
        nearest = set(profiles["playlist_id"].to_numpy()[np.argsort(-similarity[row])[:4]])
        assert set(pairs.loc[pairs["isrc"] == isrc, "playlist_id"]) == nearest | popular


def test_nearest_profiles_come_best_first():
    rng = np.random.default_rng(1)
    track_units = candidates.unit_rows(rng.normal(size=(10, 3)))
    profile_units = candidates.unit_rows(rng.normal(size=(30, 3)))
    best = candidates.nearest_profiles(track_units, profile_units, k=5)
    similarity = np.take_along_axis(track_units @ profile_units.T, best, axis=1)
    assert (np.diff(similarity, axis=1) <= 0).all()
    assert np.allclose(similarity[:, 0], (track_units @ profile_units.T).max(axis=1))


def test_a_profile_without_any_sound_is_ranked_last():
    track_units = candidates.unit_rows(np.array([[1.0, 0.0]]))
    profile_units = candidates.unit_rows(np.array([[0.0, 0.0], [-1.0, 0.0], [0.5, 0.5]]))
    assert candidates.nearest_profiles(track_units, profile_units, k=3).tolist() == [[2, 1, 0]]
