"""Audio QC measurements cached by file content, so an unchanged file is decoded once.

The key is the file's MD5 from the snapshot manifest plus a fingerprint of the measuring
settings and code version; verdict thresholds are not part of the key because verdicts are
recomputed from the cached measurements on every run.
"""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path

import pandas as pd

from tastemaker.caches import read_cache
from tastemaker.validation.audio_qc import (
    MEASUREMENT_VERSION,
    AudioMeasurement,
    MeasureSettings,
    measure_or_error,
)
from tastemaker.validation.isolation import Crashed, map_isolated
from tastemaker.validation.params import ValidateParams

CACHE_FILE = "audio_qc.parquet"
FILES_PER_EXTRA_WORKER = 50
FAILURE_COLUMNS = ["failure_rule", "failure_message"]
MEASUREMENT_COLUMNS = [field.name for field in fields(AudioMeasurement)]
CACHE_COLUMNS = ["md5", "fingerprint", *FAILURE_COLUMNS, *MEASUREMENT_COLUMNS]


def measure_with_cache(
    files: dict[str, Path], params: ValidateParams, cache_dir: Path
) -> tuple[dict[str, dict], int]:
    """Measurements for `files` (md5 -> path); returns (md5 -> record, number decoded now).

    A record holds either the measurement columns or a failure rule and message.
    """
    fingerprint = f"v{MEASUREMENT_VERSION}-{params.measurement_fingerprint()}"
    cache_path = cache_dir / CACHE_FILE
    cached = _load(cache_path)
    current = (
        cached[cached["fingerprint"] == fingerprint].drop_duplicates("md5", keep="last").set_index("md5")
    )
    known = {md5: _from_cache(record) for md5, record in current.to_dict("index").items() if md5 in files}
    todo = sorted(md5 for md5 in files if md5 not in known)
    settings = MeasureSettings(
        silence_threshold_dbfs=params.silence_threshold_dbfs,
        clip_level=params.clip_level,
        loudness_window_s=params.loudness_window_s,
        true_peak_oversampling=params.true_peak_oversampling,
    )
    # Starting a worker costs seconds (it imports numpy and scipy) while a song decodes in tens of
    # milliseconds, so a second worker only pays off for a batch of files.
    workers = min(params.qc_workers, 1 + len(todo) // FILES_PER_EXTRA_WORKER)
    outcomes = map_isolated(
        measure_or_error, [(files[md5], settings) for md5 in todo], workers, timeout_s=params.decode_timeout_s
    )
    fresh = {md5: record_of(outcome) for md5, outcome in zip(todo, outcomes)}
    if fresh:
        rows = pd.DataFrame(
            [{"md5": md5, "fingerprint": fingerprint, **record} for md5, record in fresh.items()]
        )
        _save(cache_path, pd.concat([cached, rows], ignore_index=True) if len(cached) else rows)
    return {**known, **fresh}, len(todo)


def record_of(outcome: AudioMeasurement | str | Crashed) -> dict:
    """The cache row of one outcome: measurements, or the failure rule and message."""
    empty = {name: math.nan for name in MEASUREMENT_COLUMNS} | {"format": None}
    if isinstance(outcome, Crashed):
        return {**empty, "failure_rule": "decoder_crashed", "failure_message": outcome.detail}
    if isinstance(outcome, str):
        return {**empty, "failure_rule": "audio_undecodable", "failure_message": outcome}
    return {**outcome.to_record(), "failure_rule": None, "failure_message": None}


def _from_cache(record: dict) -> dict:
    """Parquet gives text nulls back as NaN; records use None for 'no failure'."""
    text_columns = (*FAILURE_COLUMNS, "format")
    return {
        name: None if name in text_columns and pd.isna(value) else value for name, value in record.items()
    }


def _load(path: Path) -> pd.DataFrame:
    return read_cache(path, CACHE_COLUMNS)


def _save(path: Path, frame: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".parquet.partial")
    frame[CACHE_COLUMNS].to_parquet(partial, index=False)
    partial.replace(path)
