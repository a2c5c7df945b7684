"""validate_landing: check a raw snapshot against the data contract and split it into
accepted rows and quarantined findings.

Order matters: the catalog (rows, then audio) is settled first, then playlists, so that
streams can be checked against what was actually accepted.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd

from tastemaker.errors import UserError
from tastemaker.validation.audio_check import check_audio, with_qc_columns
from tastemaker.validation.gx_run import SuiteRunner
from tastemaker.validation.issues import Findings
from tastemaker.validation.landing import read_table, table_files
from tastemaker.validation.normalize import typed
from tastemaker.validation.params import ValidateParams
from tastemaker.validation.report import ValidationResult
from tastemaker.validation.row_checks import check_rows
from tastemaker.validation.tag_intake import catalog_from_tags


def validate_landing(
    snapshot: Path,
    manifest: pd.DataFrame,
    params: ValidateParams,
    reports_dir: Path,
    qc_cache: Path,
    today: datetime.date | None = None,
) -> ValidationResult:
    """Validate every table and audio file of `snapshot`; see docs/data-contract.md.

    `manifest` (relpath, md5, size) gives the content hash that keys the audio QC cache in
    `qc_cache`; `today` is the day stream reports may not go beyond. Only the Data Docs site
    is written to `reports_dir`, under `data_docs/`.
    """
    if not snapshot.is_dir():
        raise UserError(f"no snapshot folder at {snapshot}")
    today = today or datetime.date.today()
    findings = Findings(params)
    runner = SuiteRunner(reports_dir / "data_docs")
    counts: dict[str, dict[str, int]] = {}
    tables: dict[str, pd.DataFrame] = {}

    catalog = _read_catalog(snapshot, findings)
    catalog = check_rows("catalog", catalog, runner, findings, today)
    audio_by_row, audio_counts, decoded = check_audio(snapshot, catalog, manifest, params, qc_cache, findings)
    tables["catalog"], counts["catalog"] = _accept("catalog", catalog, findings)
    tables["catalog"] = with_qc_columns(tables["catalog"], audio_by_row)
    counts["audio"] = audio_counts

    playlists = _read("playlists", snapshot, findings)
    playlists = check_rows("playlists", playlists, runner, findings, today)
    tables["playlists"], counts["playlists"] = _accept("playlists", playlists, findings)

    streams = _read("streams", snapshot, findings)
    streams = check_rows("streams", streams, runner, findings, today)
    _check_references(streams, tables["catalog"], tables["playlists"], findings)
    tables["streams"], counts["streams"] = _accept("streams", streams, findings)

    return ValidationResult(
        tables={name: table.reset_index(drop=True) for name, table in tables.items()},
        issues=findings.to_frame(),
        counts=counts,
        data_docs_index=runner.build_docs(),
        audio_decoded=decoded,
    )


def _read(table: str, snapshot: Path, findings: Findings) -> pd.DataFrame:
    relpaths = table_files(snapshot, table)
    if not relpaths:
        expected = "streams/*.csv" if table == "streams" else f"{table}.csv"
        findings.add_file(table, expected, "file_missing", f"no {expected} (or .parquet) in the delivery")
    return read_table(snapshot, table, relpaths, findings)


def _read_catalog(snapshot: Path, findings: Findings) -> pd.DataFrame:
    relpaths = table_files(snapshot, "catalog")
    if relpaths:
        return read_table(snapshot, "catalog", relpaths, findings)
    tagged = catalog_from_tags(snapshot)
    if tagged.empty:
        findings.add_file("catalog", "catalog.csv", "file_missing",
                          "no catalog.csv (or .parquet) and no audio files to read one from")
        return tagged
    findings.add_file(
        "catalog",
        "catalog.csv",
        "catalog_from_tags",
        "no catalog file: catalog read from the audio files' tags",
    )
    return tagged


def _check_references(streams, catalog, playlists, findings: Findings) -> None:
    """Streams must point at accepted tracks and playlists; values already wrong in
    themselves (a malformed ISRC) are not reported twice."""
    references = (
        ("isrc", set(catalog["isrc"]), "unknown_isrc", "is not in the accepted catalog"),
        (
            "playlist_id",
            set(playlists["playlist_id"]),
            "unknown_playlist",
            "is not in the accepted playlists",
        ),
    )
    for column, accepted, rule, why in references:
        already_wrong = findings.rows_with_error_in("streams", column)
        dangling = streams[column].notna() & ~streams[column].isin(accepted)
        for row_id in streams.index[dangling]:
            if row_id not in already_wrong:
                findings.add_row(
                    "streams",
                    streams.loc[row_id],
                    row_id,
                    column,
                    rule,
                    f"{column} {streams.at[row_id, column]!r} {why}",
                )


def _accept(table: str, frame: pd.DataFrame, findings: Findings) -> tuple[pd.DataFrame, dict[str, int]]:
    rejected = findings.rejected_rows(table)
    accepted = frame[~frame.index.isin(list(rejected))]
    counts = {"rows_in": len(frame), "accepted": len(accepted), "quarantined": len(frame) - len(accepted)}
    return typed(table, accepted), counts
