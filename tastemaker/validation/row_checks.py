"""Row rules of one table: run its GX suite and turn GX's verdicts into findings."""

from __future__ import annotations

import datetime

import pandas as pd

from tastemaker.validation.contract import column_names
from tastemaker.validation.gx_run import Failure, SuiteRunner
from tastemaker.validation.issues import Findings
from tastemaker.validation.normalize import canonical
from tastemaker.validation.rules import describe


def check_rows(
    table: str, frame: pd.DataFrame, runner: SuiteRunner, findings: Findings, today: datetime.date
) -> pd.DataFrame:
    """Run the table's GX suite and record a finding for every row it rejects; returns the
    canonical frame whose index is the row id the findings refer to."""
    frame = canonical(table, frame.reset_index(drop=True))
    failures = runner.run(table, frame, today)
    # Whole-row copies first, so a copied row is reported once as a copy, not again for its key.
    failures.sort(key=lambda failure: failure.check.rule != "duplicate_row")
    copies: set[int] = set()
    for failure in failures:
        if failure.check.keep_first:
            copies |= _record_later_copies(table, frame, failure, findings, skip=copies)
        else:
            _record_failures(table, frame, failure, findings)
    return frame


def _record_failures(table: str, frame: pd.DataFrame, failure: Failure, findings: Findings) -> None:
    column, rule = failure.check.column, failure.check.rule
    for row_id in failure.row_ids:
        row = frame.loc[row_id]
        findings.add_row(table, row, row_id, column, rule, _row_message(column, row[column], rule))


def _record_later_copies(
    table: str, frame: pd.DataFrame, failure: Failure, findings: Findings, skip: set[int]
) -> set[int]:
    column, rule = failure.check.column, failure.check.rule
    group_columns = column_names(table) if column is None else [column]
    recorded = set()
    for row_id, first_id in _later_copies(frame, failure.row_ids, group_columns).items():
        if row_id in skip:
            continue
        what = "an exact copy of" if column is None else f"{column} already used by"
        findings.add_row(table, frame.loc[row_id], row_id, column, rule, f"{what} {_where(frame, first_id)}")
        recorded.add(row_id)
    return recorded


def _later_copies(frame: pd.DataFrame, row_ids: list[int], group_columns: list[str]) -> dict[int, int]:
    """For the rows GX found in duplicate groups: every row but the first of its group,
    mapped to that first row."""
    first_of: dict[tuple, int] = {}
    later: dict[int, int] = {}
    flagged = frame.loc[sorted(row_ids), group_columns]
    for row_id, values in zip(flagged.index, flagged.itertuples(index=False, name=None)):
        if values in first_of:
            later[row_id] = first_of[values]
        else:
            first_of[values] = row_id
    return later


def _where(frame: pd.DataFrame, row_id: int) -> str:
    """'row 3' for spreadsheet rows, the audio file for rows read from tags."""
    row_number = frame.at[row_id, "_row_number"]
    return frame.at[row_id, "_source_file"] if pd.isna(row_number) else f"row {row_number}"


def _row_message(column: str, value, rule: str) -> str:
    if rule == "required_field":
        return f"{column} is empty"
    return f"{column} {value!r}: {describe(rule)}"
