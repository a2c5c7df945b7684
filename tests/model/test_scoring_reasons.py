"""Reasons follow the model's own contributions: largest first, facts that can be checked, nothing invented."""

import json

import lightgbm
import numpy as np
import pandas as pd
import pytest

from pipelines import features as features_stage
from pipelines import ingest, publish, score, train, validate
from tastemaker.config import load_params
from tastemaker.ranking.contributions import GROUPS, background_sample, faithfulness, group_contributions
from tastemaker.ranking.reasons import cited_group, explain


def tables():
    catalog = pd.DataFrame(
        {
            "isrc": ["N1", "G1", "G2"],
            "title": ["New", "Good One", "Good Two"],
            "artist_name": ["Nova", "Gala", "Gus"],
            "genre": ["pop", "pop", None],
        }
    )
    playlists = pd.DataFrame({"playlist_id": ["P1", "P2"], "genre": ["pop", "jazz"]})
    placed = pd.DataFrame({"isrc": ["G1", "G2"], "playlist_id": "P1", "engagement": [0.8, 0.9]})
    tags = pd.DataFrame({"isrc": ["N1", "G1", "G2"], "bpm": [121.0, 120.0, 122.0], "mode": ["major"] * 3})
    return catalog, playlists, placed, tags


def explained(contributions: dict[str, list[float]], rows: int) -> pd.DataFrame:
    """What `scoring.explain_pairs` returns, with chosen contributions."""
    frame = pd.DataFrame(
        {
            "sound_affinity": 0.4,
            "nearest_placed_similarity": 0.93,
            "nearest_placed_engagement": 0.25,
            "nearest_isrc": "G1",
            "cosine_to_profile": 0.71,
            "playlist_history_tracks": 2.0,
            "artist_popularity": np.log1p(1500.0),
            "playlist_log_followers": np.log1p(42_000.0),
            "playlist_mean_engagement": 0.3,
            "genre_match": 1.0,
        },
        index=range(rows),
    )
    for group in GROUPS:
        frame[f"c_{group}"] = contributions.get(group, [0.0] * rows)
    return frame


def test_the_first_reason_is_the_largest_contribution_and_later_ones_only_if_they_raised_the_score():
    catalog, playlists, placed, tags = tables()
    pitches = pd.DataFrame({"isrc": ["N1", "N1"], "playlist_id": ["P1", "P1"]})
    found = explain(
        pitches,
        explained(
            {
                "sounds_like": [0.5, -0.2],
                "genre": [0.1, -0.1],
                "playlist": [-0.3, -0.05],
                "sound_space": [0.2, -0.4],
            },
            2,
        ),
        catalog,
        playlists,
        placed,
        tags,
    )
    first, second = (json.loads(reasons) for reasons in found)
    assert [cited_group(reason) for reason in first] == ["sounds_like", "sound_space", "genre"]
    assert first[0] == (
        "sounds like: 'Good One' by Gala, which this playlist played (closeness 0.93 in the "
        "learned sound space, engagement 25% there) (+0.50 to the score)"
    )
    assert first[2] == "genre: pop, the playlist's genre (+0.10 to the score)"
    # Nothing raised the second score: only its least negative group is given, as the main reason.
    assert [cited_group(reason) for reason in second] == ["sound_profile"]
    assert "tempo 121 BPM, like its usual 121 BPM" in second[0] and "major mode, like 100% of it" in second[0]


def test_missing_evidence_is_said_plainly_not_invented():
    catalog, playlists, placed, _ = tables()
    pitches = pd.DataFrame({"isrc": ["G2"], "playlist_id": ["P2"]})
    frame = explained({"genre": [0.3], "sounds_like": [0.2], "sound_space": [0.1]}, 1)
    frame["nearest_isrc"], frame["sound_affinity"] = None, np.nan
    reasons = json.loads(explain(pitches, frame, catalog, playlists, placed, pd.DataFrame()).iloc[0])
    assert reasons == [
        "genre: the track's is none given, the playlist's jazz (+0.30 to the score)",
        "sounds like: no track this playlist played sounds close yet (+0.20 to the score)",
        (
            "learned sound match: too few placements yet to learn what this playlist's audience "
            "likes (+0.10 to the score)"
        ),
    ]


@pytest.fixture(scope="module")
def booster():
    """A small LambdaRank model whose score depends on sound affinity far more than on followers."""
    generator = np.random.default_rng(0)
    features = pd.DataFrame(
        {
            "sound_affinity": generator.normal(size=2000),
            "playlist_log_followers": generator.normal(size=2000),
            "abs_diff_tempo": generator.normal(size=2000),
        }
    )
    label = np.clip(
        np.round(2 * features["sound_affinity"] + 0.3 * features["playlist_log_followers"] + 1), 0, 4
    )
    dataset = lightgbm.Dataset(features, label=label.astype(int), group=[20] * 100)
    model = lightgbm.train(
        {"objective": "lambdarank", "verbosity": -1, "seed": 0}, dataset, num_boost_round=30
    )
    return model, features


def test_group_contributions_add_up_to_the_score_and_gather_profile_differences(booster):
    model, features = booster
    groups = group_contributions(model, features)
    bias = model.predict(features, pred_contrib=True)[:, -1]
    assert np.allclose(groups.sum(axis=1) + bias, model.predict(features))
    assert (groups["sound_profile"] != 0).any()  # abs_diff_* belong to the sound profile
    assert (groups[["sounds_like", "genre", "artist_reach"]] == 0).all().all()


def test_removing_the_cited_evidence_lowers_the_scores_it_raised_and_only_those(booster):
    model, features = booster
    typical = background_sample(features, 64, seed=0)
    top = features[features["sound_affinity"] > 1.0]
    assert faithfulness(model, top, pd.Series("sound_space", index=top.index), typical) >= 0.9
    bottom = features[
        features["sound_affinity"] < -1.0
    ]  # its evidence lowered these scores: removing it raises them
    assert faithfulness(model, bottom, pd.Series("sound_space", index=bottom.index), typical) <= 0.1


@pytest.mark.slow
def test_removing_the_evidence_a_published_pitch_cites_lowers_its_score_nine_times_in_ten(project):
    """The whole pipeline on the tiny world, boosting every round: its validation fold is so small that early
    stopping keeps a single tree, which leaves nothing to explain."""
    params = load_params()
    params = params.model_copy(update={"train": params.train.model_copy(update={"validation_days": 0})})
    for stage in (ingest, validate, features_stage, train, score):
        stage.run(params)
    receipt = publish.run(params)
    assert receipt["reasons_faithfulness"] >= 0.9
