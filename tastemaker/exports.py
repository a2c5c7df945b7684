"""CSV files a label may open in a spreadsheet.

A cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which spreadsheets skip
before looking) is read as a formula: an artist called `=HYPERLINK(...)` in a delivery would
become a live link or worse in the export. Such text gets a leading apostrophe, which the
spreadsheet shows as text and hides; numbers are left alone.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_columns(frame: pd.DataFrame) -> list:
    """Columns holding text, whether pandas stores it as objects or as its string dtype."""
    return [
        name for name, dtype in frame.dtypes.items() if dtype == object or pd.api.types.is_string_dtype(dtype)
    ]


def neutralised(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_spreadsheet_csv(frame: pd.DataFrame, path: Path) -> None:
    """`frame` as CSV with every text cell (and header) that could start a formula neutralised."""
    safe = frame.rename(columns=neutralised)
    for column in text_columns(safe):
        safe[column] = safe[column].map(neutralised)
    safe.to_csv(path, index=False, quoting=csv.QUOTE_NONNUMERIC)  # a line break inside a cell stays inside it
