import math

import pandas as pd
import pytest

from tastemaker.metrics import dcg_at_k, mean_ndcg_at_k, ndcg_at_k


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
