"""A champion's own accepted pitches cannot keep it serving: the holdout they fill is not graded on them.

On the demo world: the tiny world's twenty queries cannot tell a trained model from a blind one.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient

from pipelines import features, ingest, publish, score, train, validate
from tastemaker.config import load_params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.ranking.dataset import split_by_time
from tastemaker.world.advance import advance_world
from tastemaker.world.truth import truth_dir_for

pytestmark = pytest.mark.slow


def take_in(params) -> None:
    for stage in (ingest, validate, features):
        stage.run(params)


def test_a_better_model_replaces_a_champion_whose_pitches_were_answered(demo_project):
    params = load_params()
    blind = params.model_copy(update={"train": params.train.model_copy(update={"min_child_samples": 10**6})})
    first = train.run(blind)  # a champion that cannot tell one playlist from another
    score.run(blind)
    publish.run(blind)
    landing = Path("data/landing")
    advance_world(landing, days=14, publication=params.paths.publication / "recommendations.parquet")

    take_in(params)
    second = train.run(params)

    assert first["promoted"]
    # The decision rests on the interval against the champion, on an evaluation its pitches cannot fill:
    # the truth-graded headline needs no placement, and the placements its pitches caused go ungraded.
    client = MlflowClient(resolve_endpoints(params.paths.state).mlflow_tracking_uri)
    tags = client.get_model_version(params.train.model_name, second["model_version"]).tags
    assert second["headline"] == "truth_ndcg_at_10"
    assert float(tags["promotion.difference.low"]) > params.train.promotion_margin, tags["promotion.reason"]
    assert second["promoted"]
    pitches = pd.read_parquet(truth_dir_for(landing) / "pitches.parquet")
    # an exploration pick's placement is graded: it was drawn at random, so it cannot flatter the champion
    accepted_model_pitches = pitches["accepted"] & ~pitches["is_explore"]
    accepted = set(zip(*pitches.loc[accepted_model_pitches, ["isrc", "playlist_id"]].to_numpy().T))
    model_pitches = train.read_model_pitches(params)
    pitched = set(zip(model_pitches["isrc"], model_pitches["playlist_id"]))
    data = split_by_time(
        **train.read_inputs(params), settings=train.split_settings(params), model_pitches=model_pitches
    )
    ungraded = data.evaluation[data.evaluation["grade"].isna()]
    # every placement the platform's pitch may have caused goes ungraded (accepted or taken later anyway)
    assert set(zip(ungraded["isrc"], ungraded["playlist_id"])) <= pitched
    placed_after_cutoff = data.evaluation[data.evaluation["grade"].fillna(0) > 0]
    assert not set(zip(placed_after_cutoff["isrc"], placed_after_cutoff["playlist_id"])) & accepted
    assert np.isfinite(data.evaluation["p_log_followers"]).all()
