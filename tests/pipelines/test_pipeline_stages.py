"""The six stages run in order on a tiny world, in-process, as `dvc repro` and the flow run them."""

import json

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient

from pipelines import features, ingest, publish, score, train, validate
from pipelines.publish import EXPLORATION_REASON
from pipelines.train import read_inputs
from tastemaker import tracking
from tastemaker.config import load_params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.publication import store
from tastemaker.ranking.contributions import GROUPS
from tastemaker.ranking.reasons import cited_group
from tastemaker.ranking.scoring import explain_pairs
from tests.conftest import inside, make_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def finished(tmp_path_factory, tiny_world):
    """A project after one full run of every stage; yields (folder, params, summaries)."""
    folder = make_project(tmp_path_factory.mktemp("stages"), tiny_world)
    with inside(folder):
        params = load_params()
        summaries = {
            stage.__name__.split(".")[-1]: stage.run(params)
            for stage in (ingest, validate, features, train, score, publish)
        }
        yield folder, params, summaries


def test_every_accepted_track_gets_features(finished):
    folder, params, summaries = finished
    with inside(folder):
        catalog = pd.read_parquet(params.paths.validated / "catalog.parquet")
        features_table = pd.read_parquet(params.paths.features / "track_features.parquet")
    assert set(features_table["isrc"]) == set(catalog["isrc"])
    assert summaries["features"]["analysed"] == len(catalog)


def test_every_track_is_deep_tagged_and_every_artist_json_has_its_pitch_sheets(finished):
    folder, params, summaries = finished
    with inside(folder):
        catalog = pd.read_parquet(params.paths.validated / "catalog.parquet")
        deep = pd.read_parquet(params.paths.features / "deep_tags.parquet")
        auto_tags = pd.read_parquet(params.paths.features / "auto_tags.parquet")
        day = params.paths.publication / "files" / summaries["publish"]["run_date"].isoformat()
        documents = [json.loads(path.read_text()) for path in (day / "artists").glob("*.json")]
    assert set(deep["isrc"]) == set(catalog["isrc"]) and summaries["features"]["deep_tagged"] == len(catalog)
    assert auto_tags["genre"].notna().all() and auto_tags["genre_probability"].between(0, 1).all()
    assert documents
    for document in documents:
        own = set(catalog.loc[catalog["artist_id"] == document["artist_id"], "isrc"])
        assert {sheet["isrc"] for sheet in document["pitch_sheets"]} == own
        assert all(sheet["genres"] and sheet["tempo_bpm"] for sheet in document["pitch_sheets"])


def test_training_run_is_tracked_registered_and_champion(finished):
    folder, params, summaries = finished
    with inside(folder):
        mlflow.set_tracking_uri(resolve_endpoints(params.paths.state).mlflow_tracking_uri)
        client = MlflowClient()
        run = client.get_run(summaries["train"]["run_id"])
        champion = client.get_model_version_by_alias(params.train.model_name, "champion")
        model = mlflow.models.get_model_info(f"models:/{params.train.model_name}@champion")
    assert {"learning_rate", "num_leaves", "holdout_days", "cutoff"} <= set(run.data.params)
    headline = summaries["train"]["headline"]
    assert 0 < run.data.metrics[f"{headline}.all.model"] <= 1
    for reference in (
        "random",
        "most_followed",
        "cosine",
        "genre_popularity",
        "ablation_no_audio",
        "ablation_shuffled_audio",
    ):
        assert f"{headline}.all.{reference}" in run.data.metrics
        assert f"interval.{headline}.all.model_minus_{reference}.low" in run.data.metrics
    assert run.info.experiment_id == client.get_experiment_by_name(params.train.experiment).experiment_id
    assert {"git_commit", "data_version", "params_hash", "feature_set_version"} <= set(run.data.tags)
    assert run.data.tags["model_version"] == summaries["train"]["model_version"]
    assert str(champion.version) == summaries["train"]["model_version"]
    assert champion.run_id == run.info.run_id
    assert model.signature is not None and "t_genre" in model.signature.inputs.input_names()


def test_every_artist_with_a_track_has_explained_recommendations(finished):
    folder, params, _summaries = finished
    with inside(folder):
        catalog = pd.read_parquet(params.paths.validated / "catalog.parquet")
        engine = store.connect(resolve_endpoints(params.paths.state).publication_db_url)
        for artist_id in catalog["artist_id"].unique():
            pitches = store.read_recommendations(engine, artist_id)
            assert pitches["rank"].tolist() == list(range(1, len(pitches) + 1))
            assert pitches.groupby("playlist_id").size().max() <= params.publish.max_pitches_per_playlist
            assert all(len(json.loads(reasons)) >= 1 for reasons in pitches["reasons"])


def test_publication_records_its_lineage(finished):
    _folder, params, summaries = finished
    receipt = summaries["publish"]
    assert receipt["data_version"] == summaries["ingest"]["data_version"]
    assert receipt["model_version"] == summaries["train"]["champion_version"]
    assert receipt["params_hash"] == params.section_hash()


def test_publishing_the_same_date_twice_leaves_no_duplicates(finished):
    folder, params, summaries = finished
    with inside(folder):
        publish.run(params)
        engine = store.connect(resolve_endpoints(params.paths.state).publication_db_url)
        with engine.connect() as connection:
            rows = pd.read_sql_table("recommendations", connection)
    assert len(rows) == summaries["publish"]["pitches"]
    assert not rows.duplicated(["run_date", "artist_id", "rank"]).any()


def test_similar_artists_are_published_beside_the_pitches(finished):
    folder, params, _summaries = finished
    with inside(folder):
        similar = pd.read_parquet(params.paths.publication / "similar_artists.parquet")
        catalog = pd.read_parquet(params.paths.validated / "catalog.parquet")
    assert set(similar["artist_id"]) == set(catalog["artist_id"])
    assert not (similar["artist_id"] == similar["similar_artist_id"]).any()
    for _, ranked in similar.groupby("artist_id"):
        assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
        assert ranked["similarity"].is_monotonic_decreasing
    weight = params.publish.co_listening_weight
    blended = (1 - weight) * similar["audio_similarity"] + weight * similar["co_listening"]
    assert (similar["similarity"] - blended).abs().max() < 1e-9


def test_model_reasons_are_the_models_own_and_exploration_picks_carry_none(finished):
    """The published scores split exactly into the evidence groups, and the first reason names the largest."""
    folder, params, summaries = finished
    with inside(folder):
        tables = read_inputs(params)
        published = pd.read_parquet(params.paths.publication / "recommendations.parquet")
        tracking.connect(resolve_endpoints(params.paths.state))
        model = tracking.load_ranker(
            tracking.version_uri(params.train.model_name, summaries["publish"]["model_version"])
        )
    reasons = published["reasons"].map(json.loads)
    assert published["is_explore"].any()
    assert all(found == [EXPLORATION_REASON] for found in reasons[published["is_explore"]])
    chosen = published[~published["is_explore"]].reset_index(drop=True)
    served = tables["playlists"][
        ~tables["playlists"]["playlist_id"].isin(summaries["score"]["suspect_playlists"])
    ]
    explained = explain_pairs(model, chosen, tables["catalog"], served, tables["streams"], tables["features"])
    contributions = explained[[f"c_{group}" for group in GROUPS]]
    bias = model.booster.predict(explained[model.columns], pred_contrib=True)[:, -1]
    assert np.allclose(contributions.sum(axis=1) + bias, chosen["score"], atol=1e-6)
    largest = contributions.to_numpy().max(axis=1)
    cited = reasons[~published["is_explore"]].map(lambda found: cited_group(found[0])).to_numpy()
    assert (
        np.isclose(
            contributions.to_numpy()[np.arange(len(chosen)), [GROUPS.index(g) for g in cited]], largest
        ).mean()
        >= 0.95
    )
