"""What a validation run returns: accepted tables, findings, counts and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tastemaker.errors import UserError
from tastemaker.validation.rules import SYSTEMIC_RULES


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
                "key": None if pd.isna(row.key) else row.key,
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
        """One line saying why the delivery must not go further, or None when it may.

        Only systemic faults stop a delivery: a table file or its layout unreadable, or more of a
        table quarantined for faults of its own than the limits allow. Rows held back because
        their track was quarantined, and verdicts on one recording's content
        (`share_exempt_rules`), never count: the bad rows are quarantined and the rest goes on."""
        reasons = []
        for table, counts in self.counts.items():
            rows_in = counts["rows_in"]
            if not rows_in or "independent" not in counts:
                continue
            if counts["independent"] / rows_in > params.max_quarantine_share:
                held_back = counts["dependent"]
                reasons.append(
                    f"{table}: {counts['independent']} of {rows_in} quarantined for their own faults "
                    f"({_compare(counts['independent'] / rows_in, params.max_quarantine_share)} "
                    "max_quarantine_share)"
                    + (f", {held_back} more held back with their track or playlist" if held_back else "")
                )
            for rule, limit in sorted(params.rule_share_limits.items()):
                broken = counts["by_rule"].get(rule, 0)
                if broken / rows_in > limit:
                    reasons.append(
                        f"{table}: {broken} of {rows_in} break {rule} "
                        f"({_compare(broken / rows_in, limit)} its limit)"
                    )
        lost_files = self.issues[
            self.issues["rule"].isin(SYSTEMIC_RULES) & (self.issues["severity"] == "error")
        ]
        reasons.extend(
            f"{row.source_file}: {row.rule.replace('_', ' ')}"
            for row in lost_files.drop_duplicates(["source_file", "rule"]).itertuples()
        )
        return f"validation stopped the delivery: {'; '.join(reasons)}" if reasons else None


def _compare(share: float, limit: float) -> str:
    """'5.04% > 5%': the share with as many decimals as it takes not to look equal to the limit."""
    for decimals in range(1, 7):
        shown, limit_shown = f"{share:.{decimals}%}", f"{limit:.{decimals}%}"
        if shown != limit_shown:
            return f"{shown} > {limit_shown}"
    return f"{share!r} > {limit!r}"
