"""A label's back catalog with jingles among the songs gets through the default params.yaml.

There are no real recordings in the repository, so the folder is synthesized: songs and short
jingles of varied lengths, containers and tagging, then `world generate --audio-dir` builds a
world around them, as a label would with its own files.
"""

from __future__ import annotations

import pandas as pd
import pytest
import soundfile as sf
import yaml

from pipelines import delivery
from tastemaker.config import load_params
from tastemaker.tags import TrackTags, write_tags
from tastemaker.world import generate_world
from tastemaker.world.synth import render_track
from tests.conftest import REPO, inside

pytestmark = pytest.mark.slow

STYLE = {
    "tempo_bpm": 118,
    "key": 2,
    "mode": "minor",
    "brightness": 0.5,
    "percussiveness": 0.5,
    "energy": 0.6,
    "acousticness": 0.4,
}
SONG_SECONDS = [34, 41, 37, 45, 33, 39, 36, 43, 35]
JINGLE_SECONDS = [4, 9, 17]


def write_recording(path, seconds: float, container: str, tags: TrackTags | None, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, render_track(STYLE, seconds, 44_100, 2, seed=[seed]), 44_100, format=container)
    if tags:
        write_tags(path, tags)


@pytest.fixture(scope="module")
def label_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("label") / "back catalog"
    for number, seconds in enumerate(SONG_SECONDS):
        tags = TrackTags(title=f"Song {number}", artist=f"Composer {number % 4}") if number % 3 else None
        write_recording(
            folder / f"album {number % 2}" / f"{number:02d} song.ogg", seconds, "OGG", tags, number
        )
    for number, seconds in enumerate(JINGLE_SECONDS):
        write_recording(
            folder / "stingers" / f"jingle {number}.wav",
            seconds,
            "WAV",
            TrackTags(title=f"Jingle {number}", artist="House Band"),
            100 + number,
        )
    return folder


def test_short_recordings_are_quarantined_and_the_rest_is_accepted_with_default_params(
    label_folder, tmp_path
):
    summary = generate_world(tmp_path / "data" / "landing", preset="tiny", seed=4, audio_dir=label_folder)
    (tmp_path / "params.yaml").write_text((REPO / "params.yaml").read_text())
    with inside(tmp_path):
        params = load_params()
        assert params.validate_.min_duration_s == 30 and params.validate_.max_quarantine_share == 0.05
        taken = delivery.run(params)  # raises QuarantineThresholdExceeded if the delivery were refused

        catalog = pd.read_parquet(params.paths.validated / "catalog.parquet")
        issues = pd.read_parquet(params.paths.validated / "issues.parquet")
        report = yaml.safe_load(params.paths.validation_report.read_text())
    counts = taken["validate"]["counts"]
    assert len(catalog) == len(SONG_SECONDS) and counts["catalog"]["quarantined"] == len(JINGLE_SECONDS)
    short = issues[(issues["table"] == "catalog") & (issues["rule"] == "too_short")]
    assert sorted(short["key"].map(str)) == sorted(
        pd.read_csv(summary.landing / "catalog.csv").query("audio_file.str.startswith('stingers/')")["isrc"]
    )
    held_back = issues[(issues["table"] == "streams") & (issues["severity"] == "error")]
    assert set(held_back["rule"]) <= {"track_quarantined"}
    assert counts["streams"]["independent"] == 0
    assert report["tables"]["catalog"]["by_rule"] == {"too_short": len(JINGLE_SECONDS)}
