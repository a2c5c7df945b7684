"""What a validation run returns: accepted tables, findings, counts and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tastemaker.errors import UserError

FILE_LOSS_RULES = ("file_missing", "file_unreadable")


class QuarantineThresholdExceeded(UserError):
    """Too much of the delivery was quarantined to publish anything built from it."""


@dataclass
class ValidationResult:
    tables: dict[str, pd.DataFrame]
    issues: pd.DataFrame
    counts: dict[str, dict[str, int]]
    data_docs_index: Path | None
    audio_decoded: int = field(default=0)  # files QC-decoded in this run (the others came from the cache)

    def quarantine(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "error"].reset_index(drop=True)

    def to_report(self) -> dict:
        """The `tastemaker validate --json` report."""
        warnings = self.issues[self.issues["severity"] == "warning"]
        quarantined = [
            {
                "table": row.table,
                "source_file": row.source_file,
                "row_number": None if pd.isna(row.row_number) else int(row.row_number),
                "key": row.key,
                "rule": row.rule,
                "message": row.message,
            }
            for row in self.quarantine().itertuples()
        ]
        return {
            "tables": {
                table: {**counts, "warnings": int((warnings["table"] == table).sum())}
                for table, counts in self.counts.items()
            },
            "quarantined": quarantined,
            "warnings": len(warnings),
            "data_docs": str(self.data_docs_index) if self.data_docs_index else None,
        }

    def threshold_exceeded(self, params) -> str | None:
        """One line saying why the delivery must not go further, or None when it may."""
        reasons = []
        for table, counts in self.counts.items():
            if counts["rows_in"] and counts["quarantined"] / counts["rows_in"] > params.max_quarantine_share:
                reasons.append(
                    f"{table}: {counts['quarantined']} of {counts['rows_in']} quarantined "
                    f"({counts['quarantined'] / counts['rows_in']:.1%} > max_quarantine_share "
                    f"{params.max_quarantine_share:.1%})"
                )
        lost_files = self.issues[
            self.issues["rule"].isin(FILE_LOSS_RULES) & (self.issues["severity"] == "error")
        ]
        reasons.extend(f"{row.source_file}: {row.rule.replace('_', ' ')}" for row in lost_files.itertuples())
        return f"validation stopped the delivery: {'; '.join(reasons)}" if reasons else None
