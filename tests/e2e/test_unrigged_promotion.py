"""A champion's own accepted pitches cannot keep it serving: the holdout they fill is not graded on them."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines import features, ingest, publish, score, train, validate
from tastemaker.config import load_params
from tastemaker.ranking.dataset import split_by_time
from tastemaker.world.advance import advance_world
from tastemaker.world.truth import truth_dir_for

pytestmark = pytest.mark.slow


def take_in(params) -> None:
    for stage in (ingest, validate, features):
        stage.run(params)


def test_a_better_model_replaces_a_champion_whose_pitches_were_answered(project):
    params = load_params()
    blind = params.model_copy(update={"train": params.train.model_copy(update={"min_child_samples": 10**6})})
    take_in(params)
    first = train.run(blind)  # a champion that cannot tell one playlist from another
    score.run(blind)
    publish.run(blind)
    landing = Path("data/landing")
    advance_world(landing, days=14, publication=params.paths.publication / "recommendations.parquet")

    take_in(params)
    second = train.run(params)

    assert first["promoted"] and second["promoted"], second["reason"]
    assert "significantly better" in second["reason"]
    pitches = pd.read_parquet(truth_dir_for(landing) / "pitches.parquet")
    accepted = set(zip(*pitches.loc[pitches["accepted"], ["isrc", "playlist_id"]].to_numpy().T))
    data = split_by_time(**train.read_inputs(params), settings=train.split_settings(params),
                         model_pitches=train.read_model_pitches(params))
    ungraded = data.evaluation[data.evaluation["grade"].isna()]
    assert set(zip(ungraded["isrc"], ungraded["playlist_id"])) <= accepted
    placed_after_cutoff = data.evaluation[data.evaluation["grade"].fillna(0) > 0]
    assert not set(zip(placed_after_cutoff["isrc"], placed_after_cutoff["playlist_id"])) & accepted
    assert np.isfinite(data.evaluation["p_log_followers"]).all()
