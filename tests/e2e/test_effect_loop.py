"""The closed loop on a tiny world: publish, let curators answer for 14 days, re-ingest, measure."""

import json
import re
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

from pipelines import effect, features, ingest, publish, score, train, validate
from tastemaker.config import load_params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.world.advance import advance_world
from tastemaker.world.truth import truth_dir_for
from tests.conftest import inside, make_project, run_in

pytestmark = pytest.mark.slow


def tastemaker_effect(folder, *args):
    """`tastemaker effect` as a user runs it, in `folder`."""
    return run_in(folder, "tastemaker", "effect", *args, timeout=600)


@pytest.fixture(scope="module")
def measured(tmp_path_factory, tiny_world):
    """A project after a full run, a 14-day advance driven by its publication, and one measurement."""
    folder = make_project(tmp_path_factory.mktemp("effect"), tiny_world)
    with inside(folder):
        params = load_params()
        for stage in (ingest, validate, features, train, score, publish):
            stage.run(params)
        waiting = effect.run(params)  # nothing has a closed window yet: a status, not a failure
        assert waiting["status"] == "waiting" and "full 14-day window" in waiting["message"]
        assert waiting["pending"] > 0
        written = json.loads((folder / "data/effect/effect.json").read_text())
        assert written == waiting
        asked = tastemaker_effect(folder)
        assert asked.returncode == 0 and asked.stdout.strip() == waiting["message"], asked.stderr[-2000:]
        advance_world(
            Path("data/landing"), 14, publication=params.paths.publication / "recommendations.parquet"
        )
        ingest.run(params)
        validate.run(params)
        yield folder, params, effect.run(params)


def test_report_is_html_with_plots_and_the_headline_numbers(measured):
    folder, params, summary = measured
    page = (folder / params.paths.reports / "effect" / "index.html").read_text()
    assert page.startswith("<!doctype html>")
    assert len(re.findall(r'<img alt="[^"]+" src="data:image/png;base64,[A-Za-z0-9+/=]{200,}">', page)) == 3
    shown = re.search(r"<td id='promotion_effect'>([-0-9.]+)</td>", page).group(1)
    assert float(shown) == pytest.approx(summary["promotion_effect"]["value"], abs=0.05)
    assert json.loads((folder / "data/effect/effect.json").read_text())["measured"] == summary["measured"]
    per_artist = pd.read_parquet(folder / "data/effect/per_artist.parquet")
    assert per_artist["pitched"].sum() == summary["cells"]["model_pitched"]


def test_mlflow_run_holds_the_estimates_and_the_report(measured):
    folder, params, summary = measured
    with inside(folder):
        mlflow.set_tracking_uri(resolve_endpoints(params.paths.state).mlflow_tracking_uri)
        client = MlflowClient()
        run = client.get_run(summary["mlflow_run_id"])
        artifacts = [item.path for item in client.list_artifacts(run.info.run_id, "effect_report")]
    assert run.data.tags["run_type"] == "effect"
    assert run.data.metrics["promotion_effect"] == pytest.approx(summary["promotion_effect"]["value"])
    assert run.data.metrics["promotion_effect_ci_low"] == pytest.approx(summary["promotion_effect"]["low"])
    assert run.data.metrics["promotion_effect_ci_high"] == pytest.approx(summary["promotion_effect"]["high"])
    assert any(name.startswith("acceptance_rate_rank_") for name in run.data.metrics)
    assert artifacts == ["effect_report/index.html"]


def test_every_recommendation_is_measured_against_what_the_curators_did(measured):
    folder, _, summary = measured
    pitches = pd.read_parquet(truth_dir_for(folder / "data/landing") / "pitches.parquet")
    assert summary["measured"] == len(pitches)
    assert summary["cells"]["model_control"] == int(pitches["is_control"].sum())
    true_effect = pitches.loc[pitches["pitched"], "lift_streams"].mean()
    assert summary["promotion_effect"]["low"] <= true_effect <= summary["promotion_effect"]["high"]


def test_cli_prints_json_and_rejects_a_bad_date(measured):
    folder, _, summary = measured

    printed = json.loads(tastemaker_effect(folder, "--json").stdout)
    assert printed["promotion_effect"] == summary["promotion_effect"]
    for bad, message in (
        ("yesterday", "not a date"),
        ("2030-01-01", "nothing has been published since 2030-01-01"),
    ):
        completed = tastemaker_effect(folder, "--since", bad)
        assert completed.returncode == 1 and "Traceback" not in completed.stderr
        assert completed.stderr.strip().count("\n") == 0 and message in completed.stderr
