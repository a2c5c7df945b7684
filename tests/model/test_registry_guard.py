"""The registry guard with a real MLflow store: only a significantly better model takes over."""

import mlflow
import pytest
from mlflow import MlflowClient

from pipelines import features, ingest, score, train, validate
from tastemaker.config import load_params
from tastemaker.endpoints import resolve_endpoints

pytestmark = pytest.mark.slow


def test_challenger_that_is_better_only_within_the_noise_is_not_promoted(project):
    params = load_params()
    for stage in (ingest, validate, features):
        stage.run(params)
    first = train.run(params)
    assert first["promoted"] and first["champion_version"] == first["model_version"]

    second = train.run(params)  # same data, same params: at best a tie, which is not a win

    client = MlflowClient(resolve_endpoints(params.paths.state).mlflow_tracking_uri)
    name = params.train.model_name
    assert not second["promoted"]
    assert client.get_model_version_by_alias(name, "champion").version == int(first["model_version"])
    assert client.get_model_version_by_alias(name, "challenger").version == int(second["model_version"])
    tags = client.get_model_version(name, second["model_version"]).tags
    assert tags["promotion.decision"] == "kept as challenger"
    assert float(tags["promotion.difference.low"]) <= 0 <= float(tags["promotion.difference.high"])
    assert "not significantly better" in tags["promotion.reason"]

    mlflow.set_tracking_uri(resolve_endpoints(params.paths.state).mlflow_tracking_uri)
    assert score.run(params)["model_version"] == first["model_version"]  # scoring follows the alias


def test_a_challenger_significantly_better_than_a_blind_champion_takes_over(demo_project):
    """A champion that cannot split (every pair scores alike, so it ranks playlists in table order) against
    the model as configured, on the demo world: the tiny world's twenty queries of twelve playlists are too
    few to tell any two models apart, the demo world's are not."""
    params = load_params()
    blind = params.model_copy(update={"train": params.train.model_copy(update={"min_child_samples": 10**6})})
    first = train.run(blind)
    second = train.run(params)

    client = MlflowClient(resolve_endpoints(params.paths.state).mlflow_tracking_uri)
    tags = client.get_model_version(params.train.model_name, second["model_version"]).tags
    assert first["headline"] == second["headline"] == "truth_ndcg_at_10"  # the world's truth is beside it
    assert float(tags["promotion.difference.low"]) > params.train.promotion_margin, tags["promotion.reason"]
    assert second["promoted"] and tags["promotion.decision"] == "promoted"
    assert "significantly better" in tags["promotion.reason"]
    serving = client.get_model_version_by_alias(params.train.model_name, "champion").version
    assert serving == int(second["model_version"])


def test_sweep_logs_one_nested_run_per_trial_and_trains_with_the_best(project):
    params = load_params()
    for stage in (ingest, validate, features):
        stage.run(params)
    report = train.run(params, sweep_trials=3)

    client = MlflowClient(resolve_endpoints(params.paths.state).mlflow_tracking_uri)
    parent = client.get_run(report["run_id"])
    trials = client.search_runs(
        [parent.info.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{report['run_id']}'"
    )
    assert len(trials) == 3
    assert all("validation_ndcg_at_10" in trial.data.metrics for trial in trials)
    best_score = max(trial.data.metrics["validation_ndcg_at_10"] for trial in trials)
    best = {
        trial.data.params["num_leaves"]
        for trial in trials
        if trial.data.metrics["validation_ndcg_at_10"] == best_score
    }
    assert parent.data.params["num_leaves"] in best  # trials that tie are equally best
