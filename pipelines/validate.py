"""Stage `validate`: contracts, great-expectations suites and audio QC on the raw snapshot.

Accepted rows go on as typed Parquet; every finding (quarantined or warned) is written to
`issues.parquet` and the JSON report before the quarantine threshold is checked, so a stopped
run still leaves the report a person needs to fix the delivery.
"""

from __future__ import annotations

from pipelines.common import read_manifest, stage_main, write_json, write_parquet
from tastemaker.config import Params
from tastemaker.validation import QuarantineThresholdExceeded, validate_landing

TABLES = ("catalog", "playlists", "streams")


def run(params: Params) -> dict:
    out = params.paths.validated
    result = validate_landing(
        params.paths.raw,
        read_manifest(params),
        params.validate_,
        params.paths.reports.resolve(),
        params.paths.cache / "audio_qc",
    )
    for table in TABLES:
        write_parquet(result.tables[table], out / f"{table}.parquet")
    write_parquet(result.issues, out / "issues.parquet")
    report = result.to_report()
    write_json(report, out / "report.json")
    reason = result.threshold_exceeded(params.validate_)
    if reason:
        raise QuarantineThresholdExceeded(reason)
    return {"counts": result.counts, "data_docs": str(result.data_docs_index), "report": str(out / "report.json")}


def main() -> None:
    stage_main(run)


if __name__ == "__main__":
    main()
