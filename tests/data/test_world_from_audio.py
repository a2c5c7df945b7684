"""Done-when 5: a world built around real, imperfectly tagged Ogg and MP3 files keeps every file."""

import re

import pandas as pd
import pytest
import soundfile as sf

from tastemaker.tags import TrackTags, write_tags
from tastemaker.world import generate_world
from tastemaker.world.synth import render_track

STYLE = {
    "tempo_bpm": 120,
    "key": 0,
    "mode": "major",
    "brightness": 0.5,
    "percussiveness": 0.6,
    "energy": 0.6,
    "acousticness": 0.3,
}
MP3 = "MP3" in sf.available_formats()


def write_song(path, container, tags=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, render_track(STYLE, 4.0, 44_100, 2, seed=[len(path.name)]), 44_100, format=container)
    if tags:
        write_tags(path, tags)


@pytest.fixture
def user_catalog(tmp_path):
    folder = tmp_path / "my music"
    lossy = "MP3" if MP3 else "OGG"
    write_song(
        folder / "a.ogg",
        "OGG",
        TrackTags(title="Blue Hour", artist="Mara Lind", isrc="SEXYZ2400001", date="2024-03-08", genre="pop"),
    )
    write_song(folder / f"b.{lossy.lower()}", lossy, TrackTags(title="Red Line", artist="Mara Lind"))
    write_song(folder / "Night Shift" / "03_open_road.ogg", "OGG")
    write_song(folder / f"untitled-demo.{lossy.lower()}", lossy)
    return folder


@pytest.mark.slow
def test_untagged_files_are_kept_named_after_the_file_and_reported(tmp_path, user_catalog):
    summary = generate_world(tmp_path / "world", preset="tiny", seed=2, audio_dir=user_catalog)

    catalog = pd.read_csv(summary.landing / "catalog.csv").set_index("audio_file")
    assert len(catalog) == 4 == summary.tracks
    assert sorted(summary.untagged_files) == sorted(
        [
            "Night Shift/03_open_road.ogg",
            next(name for name in catalog.index if name.startswith("untitled-demo")),
        ]
    )
    assert catalog.loc["Night Shift/03_open_road.ogg", "title"] == "open road"
    assert catalog.loc["Night Shift/03_open_road.ogg", "artist_name"] == "Night Shift"
    assert catalog.loc["a.ogg", ["title", "artist_name", "isrc", "release_date"]].tolist() == [
        "Blue Hour",
        "Mara Lind",
        "SEXYZ2400001",
        "2024-03-08",
    ]
    assert catalog["isrc"].map(lambda code: bool(re.match(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$", code))).all()
    assert catalog["isrc"].is_unique
    assert all((summary.landing / "audio" / name).is_file() for name in catalog.index)

    streams = pd.concat(
        pd.read_csv(f, keep_default_na=False) for f in (summary.landing / "streams").glob("*.csv")
    )
    assert set(streams["isrc"]) <= set(catalog["isrc"]) and len(streams) > 0
    truth = pd.read_parquet(summary.truth / "tracks.parquet")
    assert truth["tempo_bpm"].between(60, 200).all()


def test_an_empty_audio_folder_is_a_user_error(tmp_path):
    from tastemaker.errors import UserError

    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="no audio files"):
        generate_world(tmp_path / "world", preset="tiny", audio_dir=tmp_path / "empty")
