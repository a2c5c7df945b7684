"""Collect findings (one per rule hit) with the severity the params give each rule."""

from __future__ import annotations

import pandas as pd

from tastemaker.validation.contract import KEY_COLUMN
from tastemaker.validation.params import ValidateParams

# What else names a row whose key is empty, so a finding always says which track or playlist it is.
FALLBACK_KEYS = {"catalog": ("audio_file", "title"), "playlists": ("name",), "streams": ("playlist_id",)}
ISSUE_COLUMNS = ["table", "source_file", "row_number", "key", "rule", "severity", "message"]


class Findings:
    """Append-only list of findings; `row_id` ties a finding to a row of the table being
    validated so that quarantine decisions can be read back per row."""

    def __init__(self, params: ValidateParams):
        self._params = params
        self._records: list[dict] = []

    def add_file(self, table: str, relpath: str, rule: str, message: str, key: str | None = None) -> None:
        self._add(table, relpath, None, key or relpath, rule, message, row_id=None, column=None)

    def add_row(
        self, table: str, row: pd.Series, row_id: int, column: str | None, rule: str, message: str
    ) -> None:
        """A finding on one row; `column` is the field at fault (None when it is the whole row)."""
        row_number = None if pd.isna(row["_row_number"]) else int(row["_row_number"])
        key = next(
            (
                row[column]
                for column in (KEY_COLUMN[table], *FALLBACK_KEYS[table])
                if isinstance(row.get(column), str) and row[column].strip()
            ),
            None,
        )
        self._add(table, row["_source_file"], row_number, key, rule, message, row_id=row_id, column=column)

    def _add(self, table, source_file, row_number, key, rule, message, row_id, column) -> None:
        self._records.append(
            {
                "table": table,
                "source_file": source_file,
                "row_number": row_number,
                "key": None if key is None or pd.isna(key) else str(key),
                "rule": rule,
                "severity": self._params.severity(rule),
                "message": message,
                "row_id": row_id,
                "column": column,
            }
        )

    def rejected_rows(self, table: str) -> set[int]:
        """Row ids of `table` that carry at least one error."""
        return {
            record["row_id"]
            for record in self._records
            if record["table"] == table and record["row_id"] is not None and record["severity"] == "error"
        }

    def error_rules_by_row(self, table: str) -> dict[int, set[str]]:
        """Row id -> the rules of its errors, for the rows of `table` that carry any."""
        rules: dict[int, set[str]] = {}
        for record in self._records:
            if record["table"] == table and record["row_id"] is not None and record["severity"] == "error":
                rules.setdefault(record["row_id"], set()).add(record["rule"])
        return rules

    def rows_with_error_in(self, table: str, column: str) -> set[int]:
        return {
            record["row_id"]
            for record in self._records
            if record["table"] == table and record["column"] == column and record["severity"] == "error"
        }

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self._records, columns=[*ISSUE_COLUMNS, "row_id", "column"])
        frame = frame.drop(columns=["row_id", "column"])
        frame["row_number"] = frame["row_number"].astype("Int64")
        return frame
