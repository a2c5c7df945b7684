"""The promotion rule on plain numbers: significance on the headline, no loss on cold tracks."""

from tastemaker.metrics import Interval
from tastemaker.ranking.promotion import decide_promotion

METRIC = "truth_ndcg_at_10"


def decide(difference, cold=None, margin=0.0, tolerance=0.02):
    champion = None if difference is None else 0.6
    return decide_promotion(METRIC, 0.65, champion, difference, cold, margin, tolerance)


def test_first_model_becomes_champion():
    assert decide(None).promoted


def test_a_gain_inside_the_noise_is_not_promoted():
    decision = decide(Interval(0.01, -0.005, 0.025))
    assert not decision.promoted
    assert "not significantly better" in decision.reason and "[-0.0050, +0.0250]" in decision.reason


def test_a_significant_gain_is_promoted_and_says_so():
    decision = decide(Interval(0.03, 0.01, 0.05), cold=Interval(0.0, -0.03, 0.03))
    assert decision.promoted and "significantly better" in decision.reason
    assert decision.difference.low == 0.01


def test_a_tie_keeps_the_serving_model():
    assert not decide(Interval(0.0, 0.0, 0.0)).promoted


def test_the_margin_raises_the_bar():
    assert not decide(Interval(0.03, 0.01, 0.05), margin=0.02).promoted
    assert decide(Interval(0.05, 0.03, 0.07), margin=0.02).promoted


def test_significantly_worse_on_cold_tracks_is_not_promoted():
    decision = decide(Interval(0.03, 0.01, 0.05), cold=Interval(-0.01, -0.015, -0.005))
    assert not decision.promoted and "significantly worse on cold tracks" in decision.reason


def test_worse_on_cold_tracks_by_more_than_the_tolerance_is_not_promoted():
    decision = decide(Interval(0.03, 0.01, 0.05), cold=Interval(-0.05, -0.2, 0.1), tolerance=0.02)
    assert not decision.promoted and "more than 0.02" in decision.reason


def test_a_cold_slice_without_queries_does_not_block():
    assert decide(
        Interval(0.03, 0.01, 0.05), cold=Interval(float("nan"), float("nan"), float("nan"))
    ).promoted
