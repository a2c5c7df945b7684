"""The `tastemaker` command as a new user meets it: generate a world, run, read recommendations."""

import json
import shutil

import pandas as pd
import pytest
from filelock import FileLock

from tests.conftest import REPO, TINY_SEED, run_in

pytestmark = pytest.mark.slow


def tastemaker(project, *args):
    return run_in(project, "tastemaker", *args)


def assert_one_line_error(completed, expected):
    assert completed.returncode != 0
    assert "Traceback" not in completed.stderr + completed.stdout
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], completed.stderr


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """What the README promises: a tiny world, run with the repository's params.yaml as it is."""
    project = tmp_path_factory.mktemp("cli")
    shutil.copy(REPO / "params.yaml", project / "params.yaml")
    generated = tastemaker(
        project, "world", "generate", "--out", "w", "--preset", "tiny", "--seed", str(TINY_SEED)
    )
    assert generated.returncode == 0, generated.stderr
    return project, tastemaker(project, "run", "--source", "w")


def test_run_prints_the_summary_a_user_needs(ran):
    project, completed = ran
    assert completed.returncode == 0, completed.stderr[-3000:]
    model = json.loads((project / "data/training/model.json").read_text())
    catalog = pd.read_parquet(project / "data/validated/catalog.parquet")
    out = completed.stdout
    assert f"tracks processed: {len(catalog)}" in out
    assert f"artists: {catalog['artist_id'].nunique()}" in out
    assert model["run_id"] in out
    assert f"version {model['model_version']}" in out and "champion" in out
    assert "publications.db" in out and "recommendations.parquet" in out
    assert "Pitches for" in out
    assert "truth_ndcg_at_10 (all tracks): model" in out  # the world's truth, found beside its landing zone


def test_a_run_shows_its_progress_and_none_of_mlflows_chatter(ran):
    project, completed = ran
    printed = completed.stdout + completed.stderr
    tracks = len(pd.read_parquet(project / "data/validated/catalog.parquet"))
    assert f"analysed {tracks} of {tracks} tracks" in printed
    for chatter in (
        "CloudPickle",  # log_model's pickle warning
        "Creating initial MLflow database",
        "Validating input example",
        "Downloading artifacts",  # a progress bar per model load
        "View run",  # the URL banner after every run
    ):
        assert chatter not in printed, chatter


def test_a_second_world_is_refused_in_a_project_that_holds_the_first(ran):
    project, _ = ran
    generated = tastemaker(project, "world", "generate", "--out", "w2", "--preset", "tiny", "--seed", "4")
    assert generated.returncode == 0, generated.stderr
    before = (project / "data/training/model.json").read_text()
    assert_one_line_error(tastemaker(project, "run", "--source", "w2"), "belong to")
    assert (project / "data/training/model.json").read_text() == before


def test_every_artist_has_ranked_recommendations_as_json(ran):
    project, _ = ran
    catalog = pd.read_parquet(project / "data/validated/catalog.parquet")
    for artist_id, artist_name in (
        catalog[["artist_id", "artist_name"]].drop_duplicates().itertuples(index=False)
    ):
        completed = tastemaker(project, "recs", "--artist", artist_name, "--json")
        assert completed.returncode == 0, completed.stderr
        pitches = json.loads(completed.stdout)
        assert [pitch["rank"] for pitch in pitches] == list(range(1, len(pitches) + 1))
        assert {pitch["artist_id"] for pitch in pitches} == {artist_id}
        assert all(pitch["reasons"] for pitch in pitches)


def test_tags_shows_a_tracks_deep_tags_and_pitch_sheet(ran):
    project, _ = ran
    isrc = pd.read_parquet(project / "data/validated/catalog.parquet")["isrc"].iloc[0]
    table = tastemaker(project, "tags", "--track", isrc)
    assert table.returncode == 0, table.stderr
    assert "top genre tags" in table.stdout and "tempo_bpm" in table.stdout
    sheets = json.loads(tastemaker(project, "tags", "--track", isrc, "--json").stdout)
    assert sheets[0]["isrc"] == isrc and sheets[0]["genres"][0]["source"] == "audio"
    assert_one_line_error(tastemaker(project, "tags", "--track", "QZNOPE0000000"), "unknown track")


def test_unknown_artist_is_a_one_line_error(ran):
    project, _ = ran
    assert_one_line_error(tastemaker(project, "recs", "--artist", "Nobody At All"), "unknown artist")


def test_missing_source_is_a_one_line_error(ran):
    project, _ = ran
    assert_one_line_error(tastemaker(project, "run", "--source", "no/such/folder"), "source folder not found")


def test_a_second_run_in_the_same_project_is_refused_while_the_first_works(ran):
    project, _ = ran
    with FileLock(project / ".tastemaker" / "run.lock"):  # what a first `tastemaker run` holds
        for command in (["run", "--source", "w"], ["train"], ["validate", "--source", "w"], ["effect"]):
            assert_one_line_error(tastemaker(project, *command), "another run is working in this project")


def test_bad_params_are_a_one_line_error(ran, tmp_path):
    (tmp_path / "params.yaml").write_text("train:\n  learning_rate: fast\n")
    assert_one_line_error(tastemaker(tmp_path, "recs", "--artist", "x"), "train.learning_rate")


def test_validate_prints_a_conserving_json_report(ran):
    project, _ = ran
    completed = tastemaker(project, "validate", "--source", "w", "--json")
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    for table in ("catalog", "playlists", "streams"):
        counts = report["tables"][table]
        assert counts["rows_in"] == counts["accepted"] + counts["quarantined"] > 0


def registered_versions(project) -> list[str]:
    from mlflow import MlflowClient

    from tastemaker.config import load_params
    from tastemaker.endpoints import resolve_endpoints
    from tests.conftest import inside

    with inside(project):
        params = load_params()
        client = MlflowClient(resolve_endpoints(params.paths.state).mlflow_tracking_uri)
        return sorted(
            version.version for version in client.search_model_versions(f"name='{params.train.model_name}'")
        )


def test_a_daily_run_scores_with_the_champion_and_registers_no_new_version(ran):
    project, _ = ran
    before = registered_versions(project)
    completed = tastemaker(project, "run", "--source", "w")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert registered_versions(project) == before and before
    assert "Pitches for" in completed.stdout


def test_a_refused_delivery_leaves_recs_and_summary_as_they_were(ran, tmp_path):
    project, _ = ran
    summary_before = tastemaker(project, "summary").stdout
    catalog = pd.read_parquet(project / "data/validated/catalog.parquet")
    artist = catalog["artist_name"].iloc[0]
    recs_before = tastemaker(project, "recs", "--artist", artist, "--json").stdout
    landing = project / "w"
    delivered = list(landing.iterdir())
    for path in delivered:  # the landing zone arrives empty
        path.rename(tmp_path / path.name)
    try:
        refused = tastemaker(project, "validate", "--source", "w")
    finally:
        for path in delivered:
            (tmp_path / path.name).rename(path)
    assert refused.returncode != 0 and "catalog.csv" in refused.stderr
    assert tastemaker(project, "summary").stdout == summary_before
    assert tastemaker(project, "recs", "--artist", artist, "--json").stdout == recs_before
