"""The features stage over a handful of files: cache, resumption, failures, progress and backends."""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile

from tastemaker.audio import FeaturesParams, extract_features, feature_set_version
from tastemaker.audio.cache import FeatureCache
from tastemaker.audio.deep_tags import SUMMARY_COLUMNS
from tastemaker.audio.extract import TAG_COLUMNS, feature_columns
from tastemaker.errors import UserError

SR = 22050


def write_tracks(folder: Path, count: int, seconds: float = 2.0) -> pd.DataFrame:
    """`count` distinct short WAV files (one pitch each) as a tracks table: isrc, path, md5."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(count):
        t = np.arange(int(seconds * SR)) / SR
        path = folder / f"track{i}.wav"
        soundfile.write(path, 0.3 * np.sin(2 * np.pi * (200 + 50 * i) * t), SR)
        rows.append(
            {"isrc": f"QZ{i:04d}", "path": str(path), "md5": hashlib.md5(path.read_bytes()).hexdigest()}
        )
    return pd.DataFrame(rows)


def add_broken_file(tracks: pd.DataFrame, folder: Path) -> pd.DataFrame:
    path = folder / "broken.wav"
    path.write_bytes(b"RIFF....WAVE garbage")
    broken = {"isrc": "QZBROKEN", "path": str(path), "md5": hashlib.md5(path.read_bytes()).hexdigest()}
    return pd.concat([tracks.iloc[:1], pd.DataFrame([broken]), tracks.iloc[1:]], ignore_index=True)


def test_results_have_one_row_per_track_in_input_order(tmp_path: Path):
    tracks = write_tracks(tmp_path / "audio", 3)
    params = FeaturesParams(workers=1)
    result = extract_features(tracks.iloc[::-1], params, tmp_path / "cache")
    assert result.features["isrc"].tolist() == ["QZ0002", "QZ0001", "QZ0000"]
    assert list(result.features.columns) == ["isrc", *feature_columns(params)]
    assert list(result.tags.columns) == ["isrc", *TAG_COLUMNS, *SUMMARY_COLUMNS]  # deep tagger on by default
    assert (result.analysed, result.cache_hits) == (3, 0)


def test_a_broken_file_is_reported_and_the_rest_of_the_batch_is_analysed(tmp_path: Path):
    tracks = add_broken_file(write_tracks(tmp_path / "audio", 3), tmp_path / "audio")
    result = extract_features(tracks, FeaturesParams(workers=1, chunk_size=2), tmp_path / "cache")
    assert sorted(result.features["isrc"]) == ["QZ0000", "QZ0001", "QZ0002"]
    assert result.failures["isrc"].tolist() == ["QZBROKEN"]
    assert result.failures["error"].str.contains("\n").sum() == 0
    assert result.failures["error"].iloc[0].startswith("DecodeError")


def test_a_second_run_reads_the_cache_and_never_opens_the_audio(tmp_path: Path):
    tracks = write_tracks(tmp_path / "audio", 4)
    params = FeaturesParams(workers=1, chunk_size=1)
    first = extract_features(tracks, params, tmp_path / "cache")
    for path in tracks["path"]:
        Path(path).unlink()

    second = extract_features(tracks, params, tmp_path / "cache")

    assert (second.cache_hits, second.analysed, len(second.failures)) == (4, 0, 0)
    pd.testing.assert_frame_equal(first.features, second.features)
    pd.testing.assert_frame_equal(first.tags, second.tags)


def test_the_same_audio_under_two_isrcs_is_analysed_once(tmp_path: Path):
    tracks = write_tracks(tmp_path / "audio", 1)
    twice = pd.concat([tracks, tracks.assign(isrc="QZDUPE")], ignore_index=True)
    result = extract_features(twice, FeaturesParams(workers=1), tmp_path / "cache")
    assert result.features["isrc"].tolist() == ["QZ0000", "QZDUPE"]
    assert len(FeatureCache(tmp_path / "cache", feature_set_version(FeaturesParams())).load()) == 1


def test_an_interrupted_run_resumes_with_only_the_missing_files(tmp_path: Path):
    tracks = write_tracks(tmp_path / "audio", 5)
    params = FeaturesParams(workers=1, chunk_size=1)
    extract_features(tracks.iloc[:3], params, tmp_path / "cache")  # as if killed after three files
    resumed = extract_features(tracks, params, tmp_path / "cache")
    assert (resumed.cache_hits, resumed.analysed) == (3, 2)


def test_chunks_are_persisted_as_they_finish(tmp_path: Path):
    """Each finished chunk is on disk before the run ends, so a kill loses only the files in flight."""
    tracks = write_tracks(tmp_path / "audio", 4)
    params = FeaturesParams(workers=1, chunk_size=2)
    parts_dir = FeatureCache(tmp_path / "cache", feature_set_version(params)).parts_dir
    parts_seen = []
    extract_features(
        tracks,
        params,
        tmp_path / "cache",
        progress=lambda done, total: parts_seen.append(len(list(parts_dir.glob("*.parquet")))),
    )
    assert parts_seen == [0, 1, 2]
    assert list(parts_dir.glob("*.parquet")) == []  # folded into one table at the end


def test_consolidation_keeps_the_newest_row_of_an_md5(tmp_path: Path):
    cache = FeatureCache(tmp_path, "v")
    cache.write_part(pd.DataFrame({"md5": ["a", "b"], "x": [1.0, 2.0]}))
    cache.write_part(pd.DataFrame({"md5": ["b"], "x": [3.0]}))
    table = cache.load().set_index("md5")["x"]
    assert table.to_dict() == {"a": 1.0, "b": 3.0}
    assert list(cache.parts_dir.iterdir()) == []


def test_changing_an_extractor_parameter_changes_the_cache_key_but_worker_count_does_not():
    base = feature_set_version(FeaturesParams())
    assert feature_set_version(FeaturesParams(n_mfcc=13)) != base
    assert feature_set_version(FeaturesParams(hop_length=1024)) != base
    assert feature_set_version(FeaturesParams(workers=7, chunk_size=3)) == base


def test_a_window_too_large_for_the_memory_cap_is_refused():
    with pytest.raises(ValueError, match="memory_cap_mb"):
        FeaturesParams(max_analysis_s=3600, memory_cap_mb=100)


def test_progress_counts_every_track_up_to_the_total(tmp_path: Path):
    tracks = write_tracks(tmp_path / "audio", 3)
    calls = []
    extract_features(
        tracks,
        FeaturesParams(workers=1, chunk_size=1),
        tmp_path / "cache",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_a_tracks_table_without_md5_is_a_user_error(tmp_path: Path):
    with pytest.raises(UserError, match="md5"):
        extract_features(pd.DataFrame({"isrc": ["A"], "path": ["x.wav"]}), FeaturesParams(), tmp_path)


def test_the_process_pool_gives_the_same_results_as_one_process(tmp_path: Path):
    tracks = add_broken_file(write_tracks(tmp_path / "audio", 4), tmp_path / "audio")
    inline = extract_features(tracks, FeaturesParams(workers=1), tmp_path / "inline")
    pooled = extract_features(tracks, FeaturesParams(workers=2, chunk_size=1), tmp_path / "pooled")
    pd.testing.assert_frame_equal(inline.features, pooled.features)
    assert pooled.failures["isrc"].tolist() == ["QZBROKEN"]


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_results_as_one_process(tmp_path: Path):
    from distributed import LocalCluster

    tracks = add_broken_file(write_tracks(tmp_path / "audio", 3), tmp_path / "audio")
    inline = extract_features(tracks, FeaturesParams(workers=1), tmp_path / "inline")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        on_dask = extract_features(
            tracks,
            FeaturesParams(chunk_size=2),
            tmp_path / "dask",
            scheduler_address=cluster.scheduler_address,
        )
    pd.testing.assert_frame_equal(inline.features, on_dask.features)
    assert on_dask.failures["isrc"].tolist() == ["QZBROKEN"]


def test_an_empty_tracks_table_gives_empty_results_with_the_usual_columns(tmp_path: Path):
    empty = pd.DataFrame({"isrc": [], "path": [], "md5": []})
    result = extract_features(empty, FeaturesParams(), tmp_path)
    assert list(result.features.columns) == ["isrc", *feature_columns(FeaturesParams())]
    assert (len(result.features), len(result.tags), len(result.failures)) == (0, 0, 0)
