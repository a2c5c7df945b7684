from tastemaker.tracking import decide_promotion

GUARDED = ["ndcg_at_5"]


def decide(challenger, champion, margin=0.01, tolerance=0.02):
    return decide_promotion(challenger, champion, "ndcg_at_10", GUARDED, margin, tolerance)


def test_first_model_becomes_champion():
    assert decide({"ndcg_at_10": 0.1, "ndcg_at_5": 0.1}, None).promoted


def test_worse_model_is_never_promoted():
    decision = decide({"ndcg_at_10": 0.60, "ndcg_at_5": 0.70}, {"ndcg_at_10": 0.65, "ndcg_at_5": 0.60})
    assert not decision.promoted
    assert "does not beat" in decision.reason


def test_improvement_smaller_than_the_margin_is_not_enough():
    assert not decide({"ndcg_at_10": 0.655, "ndcg_at_5": 0.6}, {"ndcg_at_10": 0.65, "ndcg_at_5": 0.6}).promoted


def test_better_target_but_regressed_guarded_metric_is_refused():
    decision = decide({"ndcg_at_10": 0.70, "ndcg_at_5": 0.50}, {"ndcg_at_10": 0.65, "ndcg_at_5": 0.60})
    assert not decision.promoted
    assert "ndcg_at_5 regresses" in decision.reason


def test_clear_improvement_is_promoted_with_its_numbers():
    decision = decide({"ndcg_at_10": 0.70, "ndcg_at_5": 0.61}, {"ndcg_at_10": 0.65, "ndcg_at_5": 0.60})
    assert decision.promoted
    assert (decision.challenger_score, decision.champion_score) == (0.70, 0.65)


def test_a_tie_keeps_the_serving_champion():
    metrics = {"ndcg_at_10": 0.65, "ndcg_at_5": 0.6}
    assert not decide(dict(metrics), dict(metrics), margin=0.0).promoted
