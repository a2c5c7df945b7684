"""Advancing a world: new days and releases, curators answering pitches, controls never pitched."""

import datetime as dt
import hashlib

import numpy as np
import pandas as pd
import pytest

from tastemaker.errors import UserError
from tastemaker.world import advance_world, generate_world


def publication_of_every_pair(truth, path):
    """Pitch every (track, playlist) pair; every fourth row is a control."""
    pairs = pd.read_parquet(truth / "appeal.parquet")[["isrc", "playlist_id"]]
    tracks = pd.read_parquet(truth / "tracks.parquet").set_index("isrc")
    publication = pairs.assign(
        run_date=dt.date(2026, 6, 30),
        artist_id=tracks.loc[pairs["isrc"], "artist_id"].to_numpy(),
        rank=1,
        score=0.5,
        is_control=np.arange(len(pairs)) % 4 == 0,
    )
    publication.to_parquet(path, index=False)
    return path


def new_files(landing, before):
    return {
        str(p.relative_to(landing)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(landing.rglob("*"))
        if p.is_file() and str(p.relative_to(landing)) not in before
    }


@pytest.fixture(scope="module")
def advanced(tmp_path_factory):
    folder = tmp_path_factory.mktemp("adv")
    summary = generate_world(folder / "w", preset="tiny", seed=4)
    before = {str(p.relative_to(summary.landing)) for p in summary.landing.rglob("*")}
    publication = publication_of_every_pair(summary.truth, folder / "publication.parquet")
    result = advance_world(summary.landing, days=12, publication=publication)
    return summary, result, before, publication


def test_time_moves_forward_with_daily_reports(advanced):
    summary, result, before, _ = advanced
    assert result.today == dt.date(2026, 7, 12)
    added = sorted(name for name in new_files(summary.landing, before) if name.startswith("streams/"))
    assert added == [f"streams/2026-07-{day:02d}.csv" for day in range(1, 13)]
    catalog = pd.read_csv(summary.landing / "catalog.csv")
    assert len(catalog) == summary.tracks + result.new_tracks


def test_controls_are_never_pitched_and_good_fits_are_accepted_more(advanced):
    summary, result, _, _ = advanced
    pitches = pd.read_parquet(summary.truth / "pitches.parquet")
    assert not pitches.loc[pitches["is_control"], "pitched"].any()
    assert not pitches.loc[~pitches["pitched"], "accepted"].any()
    assert result.pitched == int((~pitches["is_control"]).sum())
    pitched = pitches[pitches["pitched"]]
    assert (
        pitched.loc[pitched["accepted"], "appeal"].mean()
        > pitched.loc[~pitched["accepted"], "appeal"].mean() + 0.1
    )
    assert pitches.loc[~pitches["accepted"], "lift_streams"].eq(0).all()
    assert pitches.loc[pitches["accepted"], "lift_streams"].sum() > 0


def test_accepted_pitches_show_up_in_the_reports(advanced):
    summary, _, _, _ = advanced
    pitches = pd.read_parquet(summary.truth / "pitches.parquet")
    placed = pitches[pitches["lift_streams"] > 0]
    reports = pd.concat(
        pd.read_csv(f, keep_default_na=False) for f in (summary.landing / "streams").glob("2026-07-*.csv")
    )
    reported_pairs = set(zip(reports["isrc"], reports["playlist_id"]))
    assert set(zip(placed["isrc"], placed["playlist_id"])) <= reported_pairs


@pytest.mark.slow
def test_advancing_is_deterministic(tmp_path):
    fingerprints = []
    for name in ("a", "b"):
        summary = generate_world(tmp_path / name, preset="tiny", seed=9)
        before = {str(p.relative_to(summary.landing)) for p in summary.landing.rglob("*")}
        publication = publication_of_every_pair(summary.truth, tmp_path / f"{name}.parquet")
        advance_world(summary.landing, days=40, publication=publication)
        fingerprints.append(new_files(summary.landing, before))
    assert any(name.startswith("audio/") for name in fingerprints[0])  # new releases bring audio
    assert fingerprints[0] == fingerprints[1]


def test_advancing_something_that_is_not_a_world_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="not a generated world"):
        advance_world(tmp_path, days=3)


def test_a_publication_without_the_contract_columns_changes_nothing(tmp_path):
    summary = generate_world(tmp_path / "w", preset="tiny", seed=1)
    before = sorted(p.name for p in summary.landing.rglob("*"))
    bad = tmp_path / "bad.parquet"
    pd.DataFrame({"isrc": ["X"], "score": [1.0]}).to_parquet(bad)
    with pytest.raises(UserError, match="lacks column"):
        advance_world(summary.landing, days=3, publication=bad)
    assert sorted(p.name for p in summary.landing.rglob("*")) == before


def pipeline_publication(truth, path):
    """A publication shaped like the pipeline's recommendations.parquet, pitching every pair."""
    from tastemaker.publication.store import RECOMMENDATION_COLUMNS

    pairs = pd.read_parquet(truth / "appeal.parquet")[["isrc", "playlist_id"]]
    tracks = pd.read_parquet(truth / "tracks.parquet").set_index("isrc")
    rows = len(pairs)
    publication = pairs.assign(
        run_date=dt.date(2026, 6, 30),
        run_id="2026-06-30-v1-test",
        model_name="tastemaker-ranker",
        model_version="1",
        data_version="test",
        artist_id=tracks.loc[pairs["isrc"], "artist_id"].to_numpy(),
        artist_name=tracks.loc[pairs["isrc"], "artist_name"].to_numpy(),
        rank=1,
        track_title=tracks.loc[pairs["isrc"], "title"].to_numpy(),
        playlist_name="a playlist",
        score=0.5,
        expected_streams_low=10,
        expected_streams_high=100,
        reasons="",
        is_control=np.arange(rows) % 5 == 0,
        is_explore=np.arange(rows) % 7 == 0,
    )
    publication[RECOMMENDATION_COLUMNS].to_parquet(path, index=False)
    return path


def test_the_pipelines_recommendations_file_is_a_publication(tmp_path):
    summary = generate_world(tmp_path / "w", preset="tiny", seed=6)
    publication = pipeline_publication(summary.truth, tmp_path / "recommendations.parquet")
    result = advance_world(summary.landing, days=10, publication=publication)
    pitches = pd.read_parquet(summary.truth / "pitches.parquet")
    assert len(pitches) == len(pd.read_parquet(publication))
    assert result.pitched == int(pitches["pitched"].sum()) > 0 and result.accepted > 0
    assert pitches["is_explore"].any()  # the publication's own columns are kept


def test_advancing_without_a_publication_says_that_nobody_was_pitched(tmp_path):
    from typer.testing import CliRunner

    from tastemaker.world.cli import app

    summary = generate_world(tmp_path / "w", preset="tiny", seed=6)
    result = CliRunner().invoke(app, ["advance", "--world", str(summary.landing), "--days", "2"])
    assert result.exit_code == 0, result.output
    assert "no publication given: curators answered no pitches" in result.stderr
    assert "0/0 pitches accepted" in result.stdout


def test_no_curator_accepts_more_than_its_capacity(advanced):
    from tastemaker.world.curators import capacity_per_month

    summary, _, _, _ = advanced
    pitches = pd.read_parquet(summary.truth / "pitches.parquet")
    playlists = pd.read_parquet(summary.truth / "playlists.parquet").set_index("playlist_id")
    accepted = pitches[pitches["accepted"]].groupby("playlist_id").size()
    # Capacity is judged on the followers the playlist had when it read the pitches: within a
    # few percent of today's after 12 days, so it cannot cross a rounding step by more than one.
    capacity = np.ceil(capacity_per_month(playlists.loc[accepted.index, "followers"]) * 12 / 30)
    assert (accepted.to_numpy() <= capacity + 1).all()
    assert (
        pitches.groupby("playlist_id")["pitched"].sum()
        > accepted.reindex(pitches["playlist_id"].unique(), fill_value=0)
    ).any()
