"""What the deep tagger does with a bad model file (the stage stops, one line naming the file) and with a
track it cannot analyse (reported and skipped, the rest tagged)."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile
import yaml

from tastemaker.audio import FeaturesParams, extract_features, feature_set_version
from tastemaker.audio.tagger import MODEL_PATH, TAGS_FILE, TaggerModelError
from tests.unit.test_audio_batch import add_broken_file, write_tracks

REPO = Path(__file__).resolve().parents[2]


def corrupt_model(folder: Path) -> Path:
    """A copy of the shipped model cut in half, with the shipped tag list beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / "model.onnx"
    model.write_bytes(MODEL_PATH.read_bytes()[: MODEL_PATH.stat().st_size // 2])
    shutil.copyfile(MODEL_PATH.with_name(TAGS_FILE), folder / TAGS_FILE)
    return model


def test_a_corrupt_model_stops_the_batch_with_one_line_naming_the_file(tmp_path: Path):
    model = corrupt_model(tmp_path / "model")
    tracks = write_tracks(tmp_path / "audio", 1)
    with pytest.raises(TaggerModelError) as raised:
        extract_features(tracks, FeaturesParams(workers=1, tagger_model=model), tmp_path / "cache")
    message = str(raised.value)
    assert str(model) in message and "\n" not in message


def test_a_missing_model_stops_the_batch_with_one_line_naming_the_file(tmp_path: Path):
    missing = tmp_path / "nowhere" / "model.onnx"
    tracks = write_tracks(tmp_path / "audio", 1)
    with pytest.raises(TaggerModelError) as raised:
        extract_features(tracks, FeaturesParams(workers=1, tagger_model=missing), tmp_path / "cache")
    assert str(missing) in str(raised.value) and "\n" not in str(raised.value)


def test_the_features_stage_exits_with_one_line_on_a_corrupt_model(tmp_path: Path):
    """The stage as DVC and the flow run it: exit 1 and a single line on stderr, no traceback."""
    model = corrupt_model(tmp_path / "model")
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    soundfile.write(raw / "a.wav", np.zeros(22050, dtype=np.float32), 22050)
    (tmp_path / "data" / "validated").mkdir()
    pd.DataFrame({"isrc": ["QZ0000"], "audio_path": ["a.wav"]}).to_parquet(
        tmp_path / "data" / "validated" / "catalog.parquet"
    )
    pd.DataFrame({"relpath": ["a.wav"], "md5": ["0" * 32]}).to_parquet(
        tmp_path / "data" / "raw.manifest.parquet"
    )
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["features"].update(workers=1, tagger_model=str(model))
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    completed = subprocess.run(
        [sys.executable, "-m", "pipelines.features"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(tmp_path)},
        check=False,
    )
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and str(model) in lines[0], completed.stderr


def test_a_new_model_changes_the_feature_set_version_and_an_unchanged_copy_does_not(tmp_path: Path):
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    copy = copy_dir / "model.onnx"
    shutil.copyfile(MODEL_PATH, copy)
    shutil.copyfile(MODEL_PATH.with_name(TAGS_FILE), copy_dir / TAGS_FILE)
    shipped = feature_set_version(FeaturesParams())
    assert feature_set_version(FeaturesParams(tagger_model=copy)) == shipped
    copy.write_bytes(copy.read_bytes() + b"\0")  # other bytes: another model as far as the cache knows
    assert feature_set_version(FeaturesParams(tagger_model=copy)) != shipped
    assert feature_set_version(FeaturesParams(deep_tagger=False)) != shipped


def test_a_broken_file_is_reported_and_the_other_tracks_are_tagged(tmp_path: Path):
    tracks = add_broken_file(write_tracks(tmp_path / "audio", 2, seconds=4.0), tmp_path / "audio")
    result = extract_features(tracks, FeaturesParams(workers=1), tmp_path / "cache")
    assert result.failures["isrc"].tolist() == ["QZBROKEN"]
    assert sorted(result.deep_tags["isrc"]) == ["QZ0000", "QZ0001"]
    probabilities = result.deep_tags.drop(columns="isrc").to_numpy()
    assert ((probabilities > 0) & (probabilities < 1)).all()
    assert result.deep_embedding.shape == (2, 201)
    assert result.tags["genre"].notna().all() and result.tags["genre_probability"].between(0, 1).all()


def test_without_the_deep_tagger_no_deep_columns_are_computed(tmp_path: Path):
    tracks = write_tracks(tmp_path / "audio", 1)
    result = extract_features(tracks, FeaturesParams(workers=1, deep_tagger=False), tmp_path / "cache")
    assert list(result.deep_tags.columns) == ["isrc"] and "genre" not in result.tags.columns
