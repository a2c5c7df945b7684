"""The GX expectation suite of each table, each expectation tagged with the rule it enforces.

The quarantine reads GX's own per-row verdicts (`unexpected_index_list`), so every row rule
that GX can express exists only here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import great_expectations.expectations as gxe
import pycountry

from tastemaker.validation.contract import (
    DATE_FORMAT,
    ISRC_PATTERN,
    KEY_COLUMN,
    TABLES,
    UNIQUE_KEY_TABLES,
    column_names,
    number_column,
)

# [0-9], not \d: Python's \d also matches Arabic-Indic and other digits no cast can read.
INTEGER_PATTERN = r"^[+-]?[0-9]+$"
NUMBER_PATTERN = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$"
# Counts and durations are typed through float64, exact up to 2**53; nothing real comes near 10**15.
LARGEST_NUMBER = 10**15
URL_PATTERN = r"(?i)(?:https?://|www\.)\S+"
HANDLE_PATTERN = r"(?:^|[\s(])@\w{2,}"
# Four or more capitals and no lower-case letter: "HELLO" is shouting, "ABBA" is borderline, "U2" is fine.
ALL_CAPS_PATTERN = r"^(?=(?:[^A-Z]*[A-Z]){4})[^a-z]*$"
STYLE_COLUMNS = ("title", "artist_name")
COUNTS_BOUNDED_BY_STREAMS = ("skips", "saves", "listeners")


@dataclass(frozen=True)
class Check:
    """One expectation and the rule it stands for; `column` names the value to quote (None
    for whole-row rules). For uniqueness checks `keep_first` means GX's duplicate groups
    keep their first row and only the later ones break the rule."""

    rule: str
    column: str | None
    expectation: gxe.Expectation
    keep_first: bool = False


def checks_for(table: str, today: datetime.date) -> list[Check]:
    checks = []
    for column in TABLES[table]:
        name = column.name
        if column.required:
            checks.append(Check("required_field", name, gxe.ExpectColumnValuesToNotBeNull(column=name)))
        if column.kind == "isrc":
            checks.append(
                Check(
                    "isrc_format", name, gxe.ExpectColumnValuesToMatchRegex(column=name, regex=ISRC_PATTERN)
                )
            )
        elif column.kind == "date":
            checks.append(
                Check(
                    "date_format",
                    name,
                    gxe.ExpectColumnValuesToMatchStrftimeFormat(column=name, strftime_format=DATE_FORMAT),
                )
            )
        elif column.kind == "territory":
            checks.append(
                Check(
                    "territory_code",
                    name,
                    gxe.ExpectColumnValuesToBeInSet(column=name, value_set=territories()),
                )
            )
        elif column.kind in ("integer", "number"):
            rule, pattern = (
                ("integer_format", INTEGER_PATTERN)
                if column.kind == "integer"
                else ("number_format", NUMBER_PATTERN)
            )
            checks.append(Check(rule, name, gxe.ExpectColumnValuesToMatchRegex(column=name, regex=pattern)))
            checks.append(
                Check(
                    "negative_value",
                    name,
                    gxe.ExpectColumnValuesToBeBetween(column=number_column(name), min_value=0),
                )
            )
            checks.append(
                Check(
                    "number_too_large",
                    name,
                    gxe.ExpectColumnValuesToBeBetween(column=number_column(name), max_value=LARGEST_NUMBER),
                )
            )
    checks.append(
        Check(
            "duplicate_row",
            None,
            gxe.ExpectCompoundColumnsToBeUnique(column_list=column_names(table), ignore_row_if="never"),
            keep_first=True,
        )
    )
    if table in UNIQUE_KEY_TABLES:
        key = KEY_COLUMN[table]
        checks.append(
            Check("duplicate_key", key, gxe.ExpectColumnValuesToBeUnique(column=key), keep_first=True)
        )
    if table == "catalog":
        checks.extend(_style_checks())
    if table == "streams":
        checks.extend(_stream_checks(today))
    return checks


def _style_checks() -> list[Check]:
    checks = []
    for name in STYLE_COLUMNS:
        checks.append(
            Check("url_in_name", name, gxe.ExpectColumnValuesToNotMatchRegex(column=name, regex=URL_PATTERN))
        )
        checks.append(
            Check(
                "handle_in_name",
                name,
                gxe.ExpectColumnValuesToNotMatchRegex(column=name, regex=HANDLE_PATTERN),
            )
        )
    checks.append(
        Check(
            "all_caps_title",
            "title",
            gxe.ExpectColumnValuesToNotMatchRegex(column="title", regex=ALL_CAPS_PATTERN),
        )
    )
    return checks


def _stream_checks(today: datetime.date) -> list[Check]:
    checks = [
        Check(
            "date_in_future",
            "date",
            gxe.ExpectColumnValuesToBeBetween(
                column="date_as_date", max_value=datetime.datetime.combine(today, datetime.time())
            ),
        )
    ]
    for name in COUNTS_BOUNDED_BY_STREAMS:
        checks.append(
            Check(
                "count_exceeds_streams",
                name,
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=number_column("streams"),
                    column_B=number_column(name),
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
            )
        )
    return checks


def territories() -> list[str]:
    return sorted(country.alpha_2 for country in pycountry.countries)
