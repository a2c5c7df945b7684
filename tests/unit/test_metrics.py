import math

import numpy as np
import pandas as pd
import pytest

from tastemaker.metrics import (
    catalog_coverage,
    dcg_at_k,
    mean_average_precision_at_k,
    mean_ndcg_at_k,
    mean_recall_at_k,
    ndcg_at_k,
    ndcg_by_query,
    paired_bootstrap,
    share_of_artists_served,
)


def test_dcg_uses_exponential_gain_and_log2_discount():
    # grades 3, 0, 1 -> (2^3-1)/log2(2) + 0 + (2^1-1)/log2(4) = 7 + 0.5
    assert dcg_at_k([3, 0, 1], k=3) == pytest.approx(7.5)


def test_ndcg_is_one_for_the_ideal_order_and_below_for_others():
    assert ndcg_at_k([3, 2, 0], k=3) == pytest.approx(1.0)
    worst = ndcg_at_k([0, 2, 3], k=3)
    ideal = 7 + 3 / math.log2(3)
    assert worst == pytest.approx((3 / math.log2(3) + 7 / 2) / ideal)


def test_ndcg_cuts_at_k():
    # only the first item counts at k=1
    assert ndcg_at_k([0, 3], k=1) == 0.0


def test_query_without_any_relevant_item_is_left_out_of_the_mean():
    assert ndcg_at_k([0, 0], k=10) is None
    frame = pd.DataFrame({"isrc": ["a", "a", "b", "b"], "grade": [1, 0, 0, 0], "score": [0.9, 0.1, 0.5, 0.4]})
    assert mean_ndcg_at_k(frame, "score", k=10) == pytest.approx(1.0)


def test_mean_ndcg_ranks_each_query_by_its_scores():
    frame = pd.DataFrame({"isrc": ["a", "a", "b", "b"], "grade": [1, 0, 1, 0], "score": [0.9, 0.1, 0.1, 0.9]})
    # query a is ideal (1.0); query b puts the relevant item second: 1/log2(3)
    assert mean_ndcg_at_k(frame, "score", k=10) == pytest.approx((1 + 1 / math.log2(3)) / 2)


def graded(goods, scores, query="q"):
    return pd.DataFrame(
        {
            "isrc": query,
            "is_good": goods,
            "score": scores,
            "playlist_id": [f"p{i}" for i in range(len(goods))],
            "artist_id": "a",
        }
    )


def test_average_precision_by_hand():
    # ranked good/bad: G B G -> precisions 1/1 and 2/3, two good items -> (1 + 2/3) / 2
    frame = graded([True, False, True], [0.9, 0.8, 0.7])
    assert mean_average_precision_at_k(frame, "score", k=10) == pytest.approx((1 + 2 / 3) / 2)


def test_average_precision_normaliser_is_capped_at_k():
    # three good items but k=1: one hit at rank 1 divided by min(3, 1)
    frame = graded([True, True, True], [0.9, 0.8, 0.7])
    assert mean_average_precision_at_k(frame, "score", k=1) == pytest.approx(1.0)


def test_recall_coverage_and_artists_served():
    frame = pd.concat(
        [
            graded([False, True, True], [0.9, 0.8, 0.1], "q1"),
            graded([False, False], [0.5, 0.4], "q2").assign(artist_id="b"),
        ]
    )
    assert mean_recall_at_k(frame, "score", k=2) == pytest.approx(0.5)  # q2 has no good item: left out
    assert catalog_coverage(frame, "score", k=1, all_items=4) == pytest.approx(1 / 4)  # only p0 tops a list
    assert share_of_artists_served(frame, "score", k=2) == pytest.approx(0.5)  # artist a yes, b no


def test_ndcg_by_query_takes_gains_as_given_and_ranks_missing_scores_last():
    # query a: gains 0.5, 0, 1 ranked by scores -> order [0.5, 1, 0]; ideal [1, 0.5, 0]
    # query b: no gain at all -> no ideal, left out
    queries = ["a", "a", "a", "b", "b"]
    gains = [0.5, 0.0, 1.0, 0.0, 0.0]
    scores = [0.9, float("nan"), 0.5, 0.3, 0.2]
    result = ndcg_by_query(queries, gains, scores, k=3)
    expected = (0.5 + 1 / math.log2(3)) / (1 + 0.5 / math.log2(3))
    assert list(result.index) == ["a"]
    assert result["a"] == pytest.approx(expected)


def test_ndcg_by_query_breaks_ties_by_row_order():
    result = ndcg_by_query(["q", "q"], [0.0, 1.0], [0.5, 0.5], k=1)
    assert result["q"] == 0.0  # the first row wins the tie, and it has no gain


def test_paired_bootstrap_of_a_constant_difference_is_that_difference():
    interval = paired_bootstrap([0.1] * 30, samples=200, confidence=0.95, seed=1)
    assert interval.mean == pytest.approx(0.1)
    assert interval.low == pytest.approx(0.1) and interval.high == pytest.approx(0.1)
    assert interval.excludes_zero


def test_paired_bootstrap_interval_of_noise_contains_zero_and_brackets_the_mean():
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 1, 400)
    noise -= noise.mean()
    interval = paired_bootstrap(noise, samples=1000, confidence=0.95, seed=2)
    assert interval.low < 0 < interval.high and not interval.excludes_zero
    # the interval is about 2 x 1.96 standard errors wide
    assert interval.high - interval.low == pytest.approx(2 * 1.96 / np.sqrt(400), rel=0.15)
    shifted = paired_bootstrap(noise + 0.5, samples=1000, confidence=0.95, seed=2)
    assert shifted.low > 0 and shifted.low < 0.5 < shifted.high
