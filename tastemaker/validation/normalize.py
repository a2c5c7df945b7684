"""Canonical forms before validation, and typed columns after it.

Canonicalising first means the label's harmless spelling differences (lower-case ISRCs with
hyphens, 'gb' for GB) are accepted rather than quarantined; typing last means only values
that passed the rules are ever converted.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from tastemaker.validation.contract import DATE_FORMAT, TABLES, number_column


def canonical(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with canonical text and, for numeric columns, a numeric reading next to it
    (NaN where the text is not a number) for the range rules to work on."""
    frame = frame.copy()
    for column in TABLES[table]:
        values = frame[column.name]
        if column.kind == "isrc":
            frame[column.name] = values.map(canonical_isrc, na_action="ignore")
        elif column.kind == "territory":
            frame[column.name] = values.map(str.upper, na_action="ignore")
        elif column.kind in ("integer", "number"):
            frame[number_column(column.name)] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif column.kind == "date":
            frame[f"{column.name}_as_date"] = pd.to_datetime(values, format=DATE_FORMAT, errors="coerce")
    if table == "catalog":
        frame["artist_id"] = frame["artist_id"].where(
            frame["artist_id"].notna(), frame["artist_name"].map(artist_id_from_name, na_action="ignore")
        )
    return frame.astype({column.name: object for column in TABLES[table]})


def artist_id_from_name(artist_name: str) -> str:
    """The id of an artist the catalog gives no artist_id: the same for every track under the
    same name (ignoring case and spacing), so the artist's tracks stay together downstream."""
    folded = " ".join(artist_name.split()).casefold()
    return "name-" + hashlib.sha256(folded.encode()).hexdigest()[:16]


def canonical_isrc(isrc: str) -> str:
    return "".join(isrc.split()).replace("-", "").upper()


def typed(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Accepted rows with contract columns only, each in its final dtype."""
    columns = {}
    for column in TABLES[table]:
        values = frame[column.name]
        if column.kind == "date":
            columns[column.name] = pd.to_datetime(values, format=DATE_FORMAT)
        elif column.kind == "integer":
            columns[column.name] = frame[number_column(column.name)].astype("int64")
        elif column.kind == "number":
            columns[column.name] = frame[number_column(column.name)].astype("float64")
        else:
            columns[column.name] = values.astype("str")
    return pd.DataFrame(columns, index=frame.index)
