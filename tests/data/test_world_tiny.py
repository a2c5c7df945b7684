"""The tiny world honours the landing-zone contract and keeps its truth apart."""

import re

import pandas as pd
import pytest
import soundfile as sf

from tastemaker.errors import UserError
from tastemaker.tags import read_tags
from tastemaker.world import generate_world, truth_dir_for
from tastemaker.world.presets import WORLD_TODAY

ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return generate_world(tmp_path_factory.mktemp("w") / "landing", preset="tiny", seed=3)


@pytest.fixture(scope="module")
def streams(tiny):
    files = sorted((tiny.landing / "streams").glob("*.csv"))
    return pd.concat([pd.read_csv(f, dtype={"playlist_id": str}, keep_default_na=False) for f in files])


def test_catalog_follows_the_contract(tiny):
    catalog = pd.read_csv(tiny.landing / "catalog.csv")
    assert {"isrc", "title", "artist_name", "release_date", "audio_file"} <= set(catalog.columns)
    assert catalog["isrc"].map(lambda code: bool(ISRC.match(code))).all()
    assert catalog["isrc"].is_unique
    assert len(catalog) == tiny.tracks and catalog["artist_id"].nunique() == tiny.artists
    assert catalog["genre"].nunique() >= 2
    pd.to_datetime(catalog["release_date"], format="%Y-%m-%d")


def test_audio_files_are_real_tagged_and_varied(tiny):
    catalog = pd.read_csv(tiny.landing / "catalog.csv")
    infos = [sf.info(tiny.landing / "audio" / f) for f in catalog["audio_file"]]
    assert {i.format for i in infos} >= {"WAV", "FLAC", "OGG"}
    assert {i.samplerate for i in infos} == {44_100, 48_000}
    assert 1 in {i.channels for i in infos}
    assert all(30 <= i.duration < 32.5 for i in infos)  # validation's default minimum is 30 s
    for row in catalog.head(5).itertuples():
        tags = read_tags(tiny.landing / "audio" / row.audio_file)
        assert (tags.title, tags.artist, tags.isrc) == (row.title, row.artist_name, row.isrc)
        assert (tags.genre or "") == (row.genre if isinstance(row.genre, str) else "")  # as delivered


def test_reports_are_consistent_daily_files(tiny, streams):
    files = sorted((tiny.landing / "streams").glob("*.csv"))
    assert len(files) == tiny.days
    assert all(pd.read_csv(f)["date"].eq(f.stem).all() for f in files)
    for column in ("listeners", "skips", "saves"):
        assert (streams[column] <= streams["streams"]).all()
    assert (streams[["streams", "listeners", "skips", "saves"]] >= 0).all().all()
    assert len(streams) == tiny.stream_rows
    assert not streams.duplicated(["date", "isrc", "playlist_id", "territory"]).any()
    assert (streams["playlist_id"] == "").any() and (streams["playlist_id"] != "").any()


def test_every_artist_is_released_and_some_tracks_are_upcoming(tiny, streams):
    catalog = pd.read_csv(tiny.landing / "catalog.csv")
    today = max(f.stem for f in (tiny.landing / "streams").glob("*.csv"))
    released = catalog[catalog["release_date"] <= today]
    upcoming = catalog[catalog["release_date"] > today]
    assert len(upcoming) >= 1
    assert not streams["isrc"].isin(upcoming["isrc"]).any()
    assert all((tiny.landing / "audio" / f).is_file() for f in upcoming["audio_file"])
    assert set(released["artist_id"]) == set(catalog["artist_id"])
    assert set(streams["isrc"]) == set(released["isrc"])


def test_truth_lives_beside_the_landing_zone(tiny):
    assert tiny.truth == truth_dir_for(tiny.landing) and tiny.truth.parent == tiny.landing.parent
    appeal = pd.read_parquet(tiny.truth / "appeal.parquet")
    playlists = pd.read_parquet(tiny.truth / "playlists.parquet")
    assert len(appeal) == tiny.tracks * len(playlists)
    assert appeal[["appeal", "appeal_without_sound"]].gt(0).all().all()
    assert appeal[["appeal", "appeal_without_sound"]].lt(1).all().all()
    landing_files = {p.name for p in tiny.landing.rglob("*")}
    assert not landing_files & {"appeal.parquet", "tracks.parquet", "world.json"}
    placements = pd.read_parquet(tiny.truth / "placements.parquet")
    assert placements["appeal"].min() < 0.2
    assert placements["appeal"].max() > 0.5


def test_refuses_a_foreign_non_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="not empty"):
        generate_world(tmp_path, preset="tiny")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_unknown_preset_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="unknown preset"):
        generate_world(tmp_path / "w", preset="huge")


def test_outcomes_follow_the_hidden_appeal(tiny, streams):
    """What a ranker learns from: save and skip rates per honest placement track the appeal, noisily."""
    from scipy.stats import spearmanr

    playlists = pd.read_parquet(tiny.truth / "playlists.parquet")
    honest = playlists.loc[~playlists["is_fraud"], "playlist_id"]
    placed = streams[streams["playlist_id"].isin(honest)]
    outcomes = placed.groupby(["isrc", "playlist_id"])[["streams", "skips", "saves"]].sum()
    appeal = pd.read_parquet(tiny.truth / "appeal.parquet").set_index(["isrc", "playlist_id"])["appeal"]
    outcomes = outcomes[outcomes["streams"] >= 20].join(appeal)
    assert len(outcomes) >= 30
    save_rho = spearmanr(outcomes["saves"] / outcomes["streams"], outcomes["appeal"]).statistic
    skip_rho = spearmanr(outcomes["skips"] / outcomes["streams"], outcomes["appeal"]).statistic
    assert 0.4 < save_rho < 0.99
    assert -0.99 < skip_rho < -0.3


def test_there_are_placements_to_train_validate_and_hold_out_on(tiny):
    """The default params hold out the last 30 days and validate on the 14 before them."""
    placements = pd.read_parquet(tiny.truth / "placements.parquet")
    days_before_today = (pd.Timestamp(WORLD_TODAY) - placements["start"]).dt.days
    assert (days_before_today >= 44).sum() >= 10
    assert (days_before_today.between(30, 43)).sum() >= 1
    assert (days_before_today < 30).sum() >= 3
    assert tiny.days >= 90


def test_describe_prints_the_market_figures_of_a_world(tiny):
    from typer.testing import CliRunner

    from tastemaker.world.cli import app

    result = CliRunner().invoke(app, ["describe", str(tiny.landing)])
    assert result.exit_code == 0, result.output
    printed = dict(line.split() for line in result.stdout.strip().splitlines())
    assert int(printed["tracks"]) == tiny.tracks and int(printed["report_days"]) == tiny.days
    assert (
        0 < float(printed["top_1pct_tracks_stream_share"]) < float(printed["top_10pct_tracks_stream_share"])
    )
    assert "fraud_playlist_share" in printed  # the truth beside it is read too


def test_describe_refuses_a_folder_that_is_not_a_landing_zone(tmp_path, tastemaker_main):
    (tmp_path / "catalog.csv").write_text("isrc\n")
    code, out, err = tastemaker_main("world", "describe", str(tmp_path))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "is not a landing zone" in lines[0] and "Traceback" not in out + err
