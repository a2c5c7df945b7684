"""The evaluation instrument on hand-made cases: truth gains, slices, end to end, the split's labels."""

import math

import numpy as np
import pandas as pd
import pytest

from tastemaker.ranking.dataset import SplitSettings, split_by_time
from tastemaker.ranking.evaluation import Ranking, evaluate_rankings, truth_gain, with_truth


def test_truth_gain_counts_only_what_is_above_a_fair_fit():
    assert truth_gain([0.2, 0.5, 0.75, 1.0]) == pytest.approx([0.0, 0.0, 0.5, 1.0])


def test_a_fraudulent_playlist_is_worth_nothing_whatever_its_appeal():
    evaluation = pd.DataFrame({"isrc": ["t", "t", "t"], "playlist_id": ["p1", "p2", "p3"]})
    appeal = pd.DataFrame({"isrc": ["t", "t"], "playlist_id": ["p1", "p2"], "appeal": [0.9, 0.9]})
    judged = with_truth(evaluation, appeal, fraudulent_playlists=["p2"])
    assert judged["gain"].tolist() == pytest.approx([0.8, 0.0, 0.0])  # p3 has no appeal row: 0


def hand_made():
    """Query a (warm): gains 1, 0.5, 0 on p1..p3; query b (cold): gains 0, 0, 1."""
    evaluation = pd.DataFrame(
        {
            "isrc": ["a", "a", "a", "b", "b", "b"],
            "playlist_id": ["p1", "p2", "p3"] * 2,
            "gain": [1.0, 0.5, 0.0, 0.0, 0.0, 1.0],
            "grade": [0.0, 3.0, np.nan, 0.0, 0.0, 0.0],
        }
    )
    slices = pd.DataFrame(
        {
            "isrc": ["a", "b"],
            "all": True,
            "warm": [True, False],
            "cold": [False, True],
            "unreleased": False,
            "genre_missing": False,
            "new_artist": False,
        }
    )
    return evaluation, slices


def test_end_to_end_ranks_what_retrieval_missed_last_and_recall_counts_good_pairs_found():
    evaluation, slices = hand_made()
    scores = np.array([3.0, 2.0, 1.0, 3.0, 2.0, 1.0])  # a: ideal order; b: its good playlist last
    retrieved = np.array([False, True, True, True, True, True])  # retrieval missed a's best playlist
    report = evaluate_rankings(
        evaluation,
        slices,
        {"model": Ranking(scores, retrieved), "oracle": Ranking(evaluation["gain"].to_numpy(), retrieved)},
        bootstrap_samples=200,
        confidence=0.95,
        seed=0,
    )
    truth = report.metrics["truth_ndcg_at_10"]
    b_ndcg = (1 / math.log2(4)) / 1
    assert truth["warm"]["model"] == pytest.approx(1.0)
    assert truth["cold"]["model"] == pytest.approx(b_ndcg)
    assert truth["all"]["model"] == pytest.approx((1 + b_ndcg) / 2)
    ideal_a = 1 + 0.5 / math.log2(3)
    served_a = (0.5 + 1 / math.log2(4)) / ideal_a  # p2, p3, then the missed p1
    assert report.metrics["e2e_truth_ndcg_at_10"]["warm"]["model"] == pytest.approx(served_a)
    assert report.metrics["retrieval_recall"]["warm"]["model"] == pytest.approx(0.5)  # 1 of a's 2 good pairs
    assert report.metrics["retrieval_recall"]["cold"]["model"] == pytest.approx(1.0)
    assert report.metrics["queries"] == {
        "all": 2,
        "warm": 1,
        "cold": 1,
        "unreleased": 0,
        "genre_missing": 0,
        "new_artist": 0,
    }
    # placement grades: only a has a graded placement (p2, grade 3); p3 is ungraded (caused by a pitch)
    assert report.metrics["placement_ndcg_at_10"]["all"]["model"] == pytest.approx(1 / math.log2(3))
    interval = report.metrics["interval"]["truth_ndcg_at_10"]["all"]["model_minus_oracle"]
    assert interval["mean"] == pytest.approx((1 + b_ndcg) / 2 - 1)
    assert interval["low"] <= interval["mean"] <= interval["high"] <= 0
    assert report.headline == "truth_ndcg_at_10" and report.metrics["headline"] == truth["all"]["model"]


def tiny_market():
    """Three playlists, four tracks over 40 days: placements before and after a 10-day holdout."""
    days = pd.date_range("2026-01-01", periods=40).strftime("%Y-%m-%d")
    rows = []

    def placed(isrc, playlist, first, last, saves=5):
        rows.extend(
            {
                "date": day,
                "isrc": isrc,
                "playlist_id": playlist,
                "territory": "GB",
                "streams": 100,
                "listeners": 90,
                "skips": 10,
                "saves": saves,
            }
            for day in days[first:last]
        )

    placed("T1", "P1", 0, 5)
    placed("T2", "P1", 2, 8)
    placed("T3", "P2", 1, 6)
    placed("T1", "P2", 8, 12)
    placed("T2", "P3", 9, 12)
    placed("T2", "P2", 32, 36, saves=40)  # holdout: caused by a published pitch on day 30
    placed("T3", "P1", 33, 38)  # holdout: a curator's own pick
    streams = pd.DataFrame(rows)
    catalog = pd.DataFrame(
        {
            "isrc": ["T1", "T2", "T3", "T4"],
            "artist_id": ["A1", "A1", "A2", "A3"],
            "genre": ["pop", "pop", "", "rock"],
            "release_date": ["2025-01-01", "2025-06-01", "2025-06-01", "2026-12-01"],
        }
    )
    playlists = pd.DataFrame(
        {"playlist_id": ["P1", "P2", "P3"], "followers": [1000, 5000, 300], "genre": ["pop", "rock", "pop"]}
    )
    features = pd.DataFrame(
        {"isrc": ["T1", "T2", "T3", "T4"], "f1": [0.1, 0.2, 0.9, 0.5], "f2": [1.0, 0.0, 0.5, 0.2]}
    )
    return catalog, playlists, streams, features


SETTINGS = SplitSettings(
    holdout_days=10,
    validation_days=5,
    label_window_days=5,
    negatives_per_query=5,
    evaluation_queries=100,
    evaluation_playlists=100,
    candidates_per_track=1,
    seed=0,
)


def test_the_split_labels_the_holdout_slices_the_queries_and_ungrades_what_a_pitch_caused():
    catalog, playlists, streams, features = tiny_market()
    pitches = pd.DataFrame(
        {"isrc": ["T2"], "playlist_id": ["P2"], "run_date": [pd.Timestamp("2026-01-31").date()]}
    )
    data = split_by_time(catalog, playlists, streams, features, SETTINGS, model_pitches=pitches)
    evaluation = data.evaluation.set_index(["isrc", "playlist_id"])
    assert ("T1", "P1") not in evaluation.index  # placed before the cut-off: not a recommendation
    assert np.isnan(evaluation.loc[("T2", "P2"), "grade"])  # the platform's own pitch caused it
    assert evaluation.loc[("T3", "P1"), "grade"] >= 1  # a curator's own pick is graded
    assert evaluation.loc[("T4", "P1"), "grade"] == 0
    assert (
        evaluation.loc[("T4", "P1"), "p_history_tracks"] == 2
    )  # profiles from everything before the cut-off
    slices = data.query_slices.set_index("isrc")
    assert slices.loc["T4", "unreleased"] and not slices.loc["T4", "cold"]
    assert slices.loc["T3", "warm"] and slices.loc["T3", "genre_missing"]
    assert slices.loc["T4", "new_artist"] and not slices.loc["T2", "new_artist"]
    assert "appeal" not in data.evaluation.columns


def test_training_windows_take_inputs_from_before_them_so_positives_and_negatives_see_one_profile():
    catalog, playlists, streams, features = tiny_market()
    data = split_by_time(catalog, playlists, streams, features, SETTINGS)
    training = data.training
    # reports end on 7 February: cut-off 28 January, fit until 23 January, windows of 5 days back from there.
    # T1 on P2 and T2 on P3 from 9 January are labels of the window from 8 January, whose inputs know
    # T1/P1, T2/P1 and T3/P2 only
    assert sorted(training["window"].unique()) == list(pd.to_datetime(["2026-01-03", "2026-01-08"]))
    window = training[training["window"] == pd.Timestamp("2026-01-08")].set_index(["isrc", "playlist_id"])
    assert set(window.index[window["grade"] > 0]) == {("T1", "P2"), ("T2", "P3")}
    # the placed T1/P2 and the unplaced T2/P2 see the same profile of P2: T3 alone, not T1 itself
    assert window.loc[("T1", "P2"), "p_history_tracks"] == window.loc[("T2", "P2"), "p_history_tracks"] == 1
    assert window.loc[("T1", "P2"), "p_f1"] == pytest.approx(0.9)
    assert window.loc[("T1", "P3"), "p_history_tracks"] == 0  # T2's placement there is the future
    assert data.validation.empty or (data.validation["grade"] >= 0).all()
