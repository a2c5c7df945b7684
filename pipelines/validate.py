"""Stage `validate`: contracts, great-expectations suites and audio QC on the raw snapshot.

Accepted rows go on as typed Parquet. The tables are staged and replace the accepted ones
only when the delivery passes, so a stopped run leaves the last accepted tables as they were;
every finding (quarantined or warned) of every attempt, stopped or not, is written to
`reports/validation.json` and `reports/validation_issues.parquet` for the person who has to
fix the delivery.
"""

from __future__ import annotations

import json

from pipelines.common import (
    commit_journal,
    read_manifest,
    refused_path,
    stage_main,
    write_json,
    write_parquet,
)
from tastemaker.config import Params
from tastemaker.staged import staged_outputs
from tastemaker.validation import QuarantineThresholdExceeded, validate_landing

TABLES = ("catalog", "playlists", "streams")


def run(params: Params) -> dict:
    refused = refused_path(params)
    result = validate_landing(
        params.paths.raw,
        read_manifest(params),
        params.validate_,
        params.paths.reports.resolve(),
        params.paths.cache / "audio_qc",
        refused={relpath: tuple(cause) for relpath, cause in json.loads(refused.read_text()).items()}
        if refused.is_file()
        else None,
    )
    report = result.to_report()
    write_parquet(result.issues, params.paths.reports / "validation_issues.parquet")
    write_json(report, params.paths.validation_report)
    reason = result.threshold_exceeded(params.validate_)
    if reason:
        raise QuarantineThresholdExceeded(reason)
    with staged_outputs(commit_journal(params)) as outputs:
        out = outputs.stage(params.paths.validated)
        for table in TABLES:
            write_parquet(result.tables[table], out / f"{table}.parquet")
        write_parquet(result.issues, out / "issues.parquet")
        write_json(report, out / "report.json")
    validated = params.paths.validated
    return {
        "counts": result.counts,
        "data_docs": str(result.data_docs_index),
        "report": str(validated / "report.json"),
    }


def main() -> None:
    stage_main(run)


if __name__ == "__main__":
    main()
