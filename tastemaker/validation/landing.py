"""Read the tables of a snapshot as text, remembering where every row came from.

Everything is read as text on purpose: type rules are validation rules, so a value like
"12abc" must reach the GX suite to be reported, not break the reader.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tastemaker.validation.contract import TABLES, column_names
from tastemaker.validation.issues import Findings

TABLE_SUFFIXES = (".csv", ".parquet")
SOURCE_FILE = "_source_file"
ROW_NUMBER = "_row_number"


def table_files(snapshot: Path, table: str, findings: Findings) -> list[str] | None:
    """Relative paths of the files that make up `table`: `<table>.csv|parquet` at the top,
    or any CSV/Parquet under `streams/` for the daily reports; [] when there is none.

    None when the table cannot be settled: a `<table>.csv` beside a `<table>.parquet` is
    usually a stale export next to the new one, and stacking both would double every row.
    Other files in `streams/` (a `.tsv`, a `.txt`) are reported, since they are often reports
    saved in the wrong format."""
    if table == "streams":
        candidates = sorted((snapshot / "streams").rglob("*")) if (snapshot / "streams").is_dir() else []
    else:
        candidates = [snapshot / f"{table}{suffix}" for suffix in TABLE_SUFFIXES]
    relpaths = []
    for path in candidates:
        if not path.is_file():
            continue
        relpath = path.relative_to(snapshot).as_posix()
        if path.suffix.lower() in TABLE_SUFFIXES:
            relpaths.append(relpath)
        else:
            findings.add_file(
                table,
                relpath,
                "file_unexpected",
                f"{relpath}: not read, reports are .csv (comma-separated) or .parquet",
            )
    if table != "streams" and len(relpaths) > 1:
        findings.add_file(
            table,
            " + ".join(relpaths),
            "file_ambiguous",
            f"both {' and '.join(relpaths)} delivered: remove the stale one",
        )
        return None
    return relpaths


def read_table(snapshot: Path, table: str, relpaths: list[str], findings: Findings) -> pd.DataFrame:
    """All files of `table` stacked, with contract columns as text (None when empty) plus
    the source file and 1-based row number of each row."""
    frames = []
    for relpath in relpaths:
        try:
            raw = _read_file(snapshot / relpath)
        except FileLevelFault as error:
            findings.add_file(table, relpath, error.rule, f"cannot read {relpath}: {error}")
            continue
        except Exception as error:  # noqa: BLE001 - any parser failure means the same thing to the label
            findings.add_file(table, relpath, "file_unreadable", f"cannot read {relpath}: {_one_line(error)}")
            continue
        frames.append(_conform(raw, table, relpath, findings))
    if not frames:
        return empty_table(table)
    return pd.concat(frames, ignore_index=True)


def empty_table(table: str) -> pd.DataFrame:
    columns = [*column_names(table), SOURCE_FILE, ROW_NUMBER]
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


class FileLevelFault(ValueError):
    """A file whose layout is wrong as a whole: reported once under `rule`, none of its rows read."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule


def _read_file(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        raw = pd.read_parquet(path)
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        _check_delimiter(raw)
    names = [str(name).strip().lower() for name in raw.columns]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise FileLevelFault(
            "column_duplicate",
            f"column(s) {repeated} appear more than once (names are compared without case and spaces)",
        )
    raw.columns = names
    return raw


def _check_delimiter(raw: pd.DataFrame) -> None:
    """A file saved with another separator reads as one wide column: say so once, instead of
    a missing-field finding for every row."""
    if len(raw.columns) != 1:
        return
    header = str(raw.columns[0])
    for separator, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
        if separator in header:
            raise FileLevelFault("file_unreadable", f"fields are separated by {name}, not commas")


def _conform(raw: pd.DataFrame, table: str, relpath: str, findings: Findings) -> pd.DataFrame:
    """Contract columns only, as text; missing required columns are reported and filled
    with None so that every row is then caught by the required-field rule."""
    known = column_names(table)
    for name in [name for name in raw.columns if name not in known]:
        findings.add_file(
            table, relpath, "column_unexpected", f"{relpath}: column {name!r} is not in the contract"
        )
    conformed = pd.DataFrame(index=range(len(raw)))
    for column in TABLES[table]:
        if column.name in raw.columns:
            conformed[column.name] = as_text(raw[column.name]).to_numpy()
        else:
            if column.required:
                findings.add_file(
                    table, relpath, "column_missing", f"{relpath}: required column {column.name!r} is missing"
                )
            conformed[column.name] = None
    conformed[SOURCE_FILE] = relpath
    conformed[ROW_NUMBER] = np.arange(1, len(raw) + 1)
    return conformed


def as_text(values: pd.Series) -> pd.Series:
    """Values as stripped text with None for empty cells; Parquet timestamps become dates and
    whole floats lose their '.0' so typed and CSV deliveries read the same."""
    if pd.api.types.is_datetime64_any_dtype(values):
        text = values.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_float_dtype(values):
        text = values.map(lambda number: None if pd.isna(number) else _float_text(number))
    else:
        text = values.map(
            lambda value: None if pd.api.types.is_scalar(value) and pd.isna(value) else str(value)
        )
    text = text.astype(object).map(
        lambda value: None if value is None or pd.isna(value) else value.strip() or None
    )
    return text


def _float_text(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__
