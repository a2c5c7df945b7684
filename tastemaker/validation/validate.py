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
from tastemaker.validation.landing import empty_table, read_table, table_files
from tastemaker.validation.normalize import typed
from tastemaker.validation.params import ValidateParams
from tastemaker.validation.report import ValidationResult
from tastemaker.validation.row_checks import check_rows
from tastemaker.validation.rules import DEPENDENT_RULES
from tastemaker.validation.tag_intake import catalog_from_tags


def validate_landing(
    snapshot: Path,
    manifest: pd.DataFrame,
    params: ValidateParams,
    reports_dir: Path,
    qc_cache: Path,
    today: datetime.date | None = None,
    refused: dict[str, tuple[str, str]] | None = None,
) -> ValidationResult:
    """Validate every table and audio file of `snapshot`; see docs/data-contract.md.

    `manifest` (relpath, md5, size) gives the content hash that keys the audio QC cache in
    `qc_cache`; `today` is the day stream reports may not go beyond. Only the Data Docs site
    is written to `reports_dir`, under `data_docs/`. `refused` maps the landing-zone entries
    ingest would not take in (relpath -> rule, message): each is reported, and so is every row
    that needed one.
    """
    if not snapshot.is_dir():
        raise UserError(f"no snapshot folder at {snapshot}")
    today = today or datetime.date.today()
    findings = Findings(params)
    runner = SuiteRunner(reports_dir / "data_docs")
    counts: dict[str, dict[str, int]] = {}
    tables: dict[str, pd.DataFrame] = {}
    refused = refused or {}
    for relpath, (rule, message) in sorted(refused.items()):
        findings.add_file(_table_of(relpath), relpath, rule, message)

    catalog = _read_catalog(snapshot, findings)
    catalog = check_rows("catalog", catalog, runner, findings, today)
    audio_by_row, audio_counts, decoded = check_audio(
        snapshot, catalog, manifest, params, qc_cache, findings, refused
    )
    tables["catalog"], counts["catalog"] = _accept("catalog", catalog, findings, params)
    tables["catalog"] = with_qc_columns(tables["catalog"], audio_by_row)
    counts["audio"] = audio_counts

    playlists = _read("playlists", snapshot, findings)
    playlists = check_rows("playlists", playlists, runner, findings, today)
    tables["playlists"], counts["playlists"] = _accept("playlists", playlists, findings, params)

    streams = _read("streams", snapshot, findings)
    streams = check_rows("streams", streams, runner, findings, today)
    _check_references(streams, catalog, tables["catalog"], playlists, tables["playlists"], findings)
    tables["streams"], counts["streams"] = _accept("streams", streams, findings, params)

    return ValidationResult(
        tables={name: table.reset_index(drop=True) for name, table in tables.items()},
        issues=findings.to_frame(),
        counts=counts,
        data_docs_index=runner.build_docs(),
        audio_decoded=decoded,
    )


def _table_of(relpath: str) -> str:
    """The table a landing-zone path belongs to, for reporting a file-level finding."""
    top = relpath.split("/", 1)[0]
    if top == "streams":
        return "streams"
    stem = top.rsplit(".", 1)[0]
    return stem if stem in ("catalog", "playlists") else "audio"


def _read(table: str, snapshot: Path, findings: Findings) -> pd.DataFrame:
    relpaths = table_files(snapshot, table, findings)
    if relpaths is None:
        return empty_table(table)
    if not relpaths:
        expected = "streams/*.csv" if table == "streams" else f"{table}.csv"
        findings.add_file(table, expected, "file_missing", f"no {expected} (or .parquet) in the delivery")
    return read_table(snapshot, table, relpaths, findings)


def _read_catalog(snapshot: Path, findings: Findings) -> pd.DataFrame:
    relpaths = table_files(snapshot, "catalog", findings)
    if relpaths is None:
        return empty_table("catalog")
    if relpaths:
        return read_table(snapshot, "catalog", relpaths, findings)
    tagged = catalog_from_tags(snapshot)
    if tagged.empty:
        findings.add_file(
            "catalog",
            "catalog.csv",
            "file_missing",
            "no catalog.csv (or .parquet) and no audio files to read one from",
        )
        return tagged
    findings.add_file(
        "catalog",
        "catalog.csv",
        "catalog_from_tags",
        "no catalog file: catalog read from the audio files' tags",
    )
    return tagged


def _check_references(
    streams, catalog, accepted_catalog, playlists, accepted_playlists, findings: Findings
) -> None:
    """Streams must point at accepted tracks and playlists; values already wrong in
    themselves (a malformed ISRC) are not reported twice. A row pointing at a track or
    playlist that was delivered but quarantined is held back with it under a rule of its
    own, so the quarantine of one track is counted once, not again for each of its reports."""
    references = (
        ("isrc", catalog["isrc"], accepted_catalog["isrc"], "track", "catalog"),
        ("playlist_id", playlists["playlist_id"], accepted_playlists["playlist_id"], "playlist", "playlists"),
    )
    for column, delivered, accepted, noun, table in references:
        already_wrong = findings.rows_with_error_in("streams", column)
        delivered, accepted = set(delivered.dropna()), set(accepted)
        dangling = streams[column].notna() & ~streams[column].isin(accepted)
        for row_id in streams.index[dangling]:
            if row_id in already_wrong:
                continue
            value = streams.at[row_id, column]
            if value in delivered:
                rule, why = f"{noun}_quarantined", f"{column} {value!r}: that {noun} was quarantined"
            else:
                rule, why = (
                    f"unknown_{column.split('_')[0]}",
                    f"{column} {value!r} is not in the delivered {table}",
                )
            findings.add_row("streams", streams.loc[row_id], row_id, column, rule, why)


def _accept(
    table: str, frame: pd.DataFrame, findings: Findings, params: ValidateParams
) -> tuple[pd.DataFrame, dict]:
    """Accepted rows, typed, and the counts the stop rule reads: rows quarantined in all,
    those held back only because a row they depend on was (`dependent`), those quarantined
    for faults of their own that count towards a stop (`independent`), and rows per rule."""
    not_counted = DEPENDENT_RULES | set(params.share_exempt_rules)
    rules_by_row = findings.error_rules_by_row(table)
    accepted = frame[~frame.index.isin(list(rules_by_row))]
    by_rule: dict[str, int] = {}
    for rules in rules_by_row.values():
        for rule in rules:
            by_rule[rule] = by_rule.get(rule, 0) + 1
    counts = {
        "rows_in": len(frame),
        "accepted": len(accepted),
        "quarantined": len(frame) - len(accepted),
        "dependent": sum(rules <= DEPENDENT_RULES for rules in rules_by_row.values()),
        "independent": sum(bool(rules - not_counted) for rules in rules_by_row.values()),
        "by_rule": dict(sorted(by_rule.items())),
    }
    return typed(table, accepted), counts
