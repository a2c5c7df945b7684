"""Features and scores computed on a real Dask cluster (two worker processes) equal the in-process ones."""

import mlflow
import pandas as pd
import pytest
from distributed import LocalCluster

from pipelines import features, ingest, train, validate
from pipelines.common import read_manifest
from pipelines.train import read_inputs
from tastemaker import tracking
from tastemaker.audio import extract_features
from tastemaker.config import load_params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.ranking.scoring import score_catalog
from tests.conftest import inside, make_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local_cluster:
        yield local_cluster


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_world):
    """A tiny-world project after ingest, validate, features and train: a champion model is registered."""
    folder = make_project(tmp_path_factory.mktemp("scale_out"), tiny_world)
    with inside(folder):
        params = load_params()
        for stage in (ingest, validate, features, train):
            stage.run(params)
        yield folder, params


def audio_jobs(params) -> pd.DataFrame:
    catalog = pd.read_parquet(params.paths.validated / "catalog.parquet", columns=["isrc", "audio_path"])
    tracks = catalog.merge(
        read_manifest(params)[["relpath", "md5"]], left_on="audio_path", right_on="relpath"
    )
    tracks["path"] = [str((params.paths.raw / relpath).resolve()) for relpath in tracks["relpath"]]
    return tracks[["isrc", "path", "md5"]]


def test_features_on_the_cluster_equal_local_ones(trained, cluster, tmp_path):
    folder, params = trained
    with inside(folder):
        jobs = audio_jobs(params)
        local = extract_features(jobs, params.features, tmp_path / "local_cache")
        remote = extract_features(
            jobs, params.features, tmp_path / "dask_cache", scheduler_address=cluster.scheduler_address
        )
    assert remote.analysed == len(jobs) and remote.cache_hits == 0
    assert remote.failures.empty
    pd.testing.assert_frame_equal(
        local.features.sort_values("isrc", ignore_index=True),
        remote.features.sort_values("isrc", ignore_index=True),
        check_exact=True,
    )


def test_scores_on_the_cluster_equal_local_ones(trained, cluster):
    folder, params = trained
    with inside(folder):
        tracking.use_experiment(resolve_endpoints(params.paths.state), params.train.experiment)
        champion = mlflow.pyfunc.load_model(tracking.champion_uri(params.train.model_name))
        tables = read_inputs(params)
    settings = {"candidates_per_track": params.score.candidates_per_track, "artists_per_batch": 2}
    local = score_catalog(champion, **tables, **settings)
    remote = score_catalog(champion, **tables, **settings, scheduler_address=cluster.scheduler_address)
    assert set(local.scores["isrc"]) == set(tables["catalog"]["isrc"])
    assert local.scores["score"].nunique() > 1
    pd.testing.assert_frame_equal(local.scores, remote.scores, check_exact=True)
    assert remote.failures.empty


def test_one_failing_artist_on_the_cluster_costs_the_others_nothing(trained, cluster):
    folder, params = trained
    with inside(folder):
        tables = read_inputs(params)
    broken_isrc = tables["catalog"]["isrc"].iloc[0]
    broken_artist = tables["catalog"]["artist_id"].iloc[0]

    class FailsOnOneTrack:  # defined here so Dask ships it to the workers by value
        def predict(self, raw):
            if (raw["isrc"] == broken_isrc).any():
                raise ValueError(f"cannot score {broken_isrc}")
            return raw["t_artist_popularity"].to_numpy()

    result = score_catalog(
        FailsOnOneTrack(),
        **tables,
        candidates_per_track=3,
        artists_per_batch=10,
        scheduler_address=cluster.scheduler_address,
    )
    assert result.failures["artist_id"].tolist() == [broken_artist]
    assert f"cannot score {broken_isrc}" in result.failures["error"].iloc[0]
    assert set(result.scores["artist_id"]) == set(tables["catalog"]["artist_id"]) - {broken_artist}
