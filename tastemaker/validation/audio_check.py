"""Audio rules of the catalog: QC every file the catalog points at and hold back the rows
whose audio fails."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from tastemaker.validation.audio_paths import AUDIO_DIR, locate_audio
from tastemaker.validation.audio_rules import audio_findings, duration_mismatch
from tastemaker.validation.contract import number_column
from tastemaker.validation.issues import Findings
from tastemaker.validation.params import ValidateParams
from tastemaker.validation.qc_cache import measure_with_cache

QC_COLUMNS = ["duration_measured_s", "sample_rate", "channels", "loudness_lufs", "true_peak_dbtp"]


def check_audio(
    snapshot: Path,
    catalog: pd.DataFrame,
    manifest: pd.DataFrame,
    params: ValidateParams,
    qc_cache: Path,
    findings: Findings,
    refused: dict[str, tuple[str, str]] | None = None,
) -> tuple[dict[int, dict], dict[str, int], int]:
    """QC every audio file the catalog points at; returns (row id -> QC record with
    audio_path), the audio counts, and how many files were decoded in this run.
    `refused`: the entries ingest would not take in, see `locate_audio`."""
    located: dict[int, str] = {}
    for row_id, row in catalog[catalog["audio_file"].notna()].iterrows():
        relpath, rule, message = locate_audio(snapshot, row["audio_file"], refused)
        if rule:
            findings.add_row("catalog", row, row_id, "audio_file", rule, message)
        else:
            located[row_id] = relpath
    paths = sorted(set(located.values()))
    _report_unreferenced(snapshot, set(paths), findings)
    md5_of = _content_hashes(snapshot, paths, manifest)
    records, decoded = measure_with_cache({md5_of[path]: snapshot / path for path in paths}, params, qc_cache)
    file_errors: dict[str, tuple[str, str]] = {}
    for path in paths:
        for rule, message in audio_findings(records[md5_of[path]], params):
            findings.add_file("audio", path, rule, message)
            if params.severity(rule) == "error":
                file_errors.setdefault(path, (rule, message))
    audio_by_row = {}
    for row_id, path in located.items():
        record = {**records[md5_of[path]], "audio_path": path}
        audio_by_row[row_id] = record
        row = catalog.loc[row_id]
        if path in file_errors:
            rule, message = file_errors[path]
            findings.add_row("catalog", row, row_id, "audio_file", rule, f"audio {path}: {message}")
        mismatch = duration_mismatch(record, row[number_column("duration_s")], params)
        if mismatch:
            findings.add_row("catalog", row, row_id, "duration_s", "duration_mismatch", mismatch)
    counts = {
        "rows_in": len(paths),
        "accepted": len(paths) - len(file_errors),
        "quarantined": len(file_errors),
    }
    return audio_by_row, counts, decoded


def _report_unreferenced(snapshot: Path, referenced: set[str], findings: Findings) -> None:
    """Audio delivered without a catalog row is usually a forgotten row or a misspelt path."""
    audio_root = snapshot / AUDIO_DIR
    if not audio_root.is_dir():
        return
    for path in sorted(audio_root.rglob("*")):
        relpath = path.relative_to(snapshot).as_posix()
        if path.is_file() and relpath not in referenced:
            message = f"{relpath}: no catalog row points at it"
            findings.add_file("audio", relpath, "audio_unreferenced", message)


def _content_hashes(snapshot: Path, paths: list[str], manifest: pd.DataFrame) -> dict[str, str]:
    """MD5 per path from the manifest; files it does not list are hashed here."""
    known = dict(zip(manifest["relpath"], manifest["md5"])) if len(manifest) else {}
    return {path: known.get(path) or _md5(snapshot / path) for path in paths}


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def with_qc_columns(accepted: pd.DataFrame, audio_by_row: dict[int, dict]) -> pd.DataFrame:
    """Accepted catalog rows joined with what QC measured of their audio. Rows without
    measurements only occur when a severity override lets unreadable audio through."""
    qc = pd.DataFrame.from_dict(
        {row_id: audio_by_row[row_id] for row_id in accepted.index if row_id in audio_by_row}, orient="index"
    )
    qc = qc.reindex(index=accepted.index, columns=["audio_path", *QC_COLUMNS])
    combined = accepted.join(qc)
    for name in ("sample_rate", "channels"):
        values = combined[name].astype("Int64")
        combined[name] = values.astype("int64") if values.notna().all() else values
    combined["audio_path"] = combined["audio_path"].astype("str")
    return combined
