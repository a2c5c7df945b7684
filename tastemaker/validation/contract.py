"""The landing-zone data contract as data: which tables exist, their columns and kinds.

Reading, GX suites and final typing all derive from these declarations, so adding a column
to the contract is a one-line change here (plus docs/data-contract.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "isrc", "date", "integer", "number", "territory"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool


TABLES: dict[str, tuple[Column, ...]] = {
    "catalog": (
        Column("isrc", "isrc", True),
        Column("title", "text", True),
        Column("artist_name", "text", True),
        Column("release_date", "date", True),
        Column("audio_file", "text", True),
        Column("genre", "text", False),
        Column("artist_id", "text", False),
        Column("duration_s", "number", False),
        Column("label", "text", False),
    ),
    "playlists": (
        Column("playlist_id", "text", True),
        Column("name", "text", True),
        Column("followers", "integer", True),
        Column("curator", "text", False),
        Column("territory", "territory", True),
        Column("genre", "text", False),
    ),
    "streams": (
        Column("date", "date", True),
        Column("isrc", "isrc", True),
        Column("playlist_id", "text", False),
        Column("territory", "territory", True),
        Column("streams", "integer", True),
        Column("listeners", "integer", True),
        Column("skips", "integer", True),
        Column("saves", "integer", True),
    ),
}

# The column that names a row in findings, and that must be unique where it identifies the row.
KEY_COLUMN = {"catalog": "isrc", "playlists": "playlist_id", "streams": "isrc"}
UNIQUE_KEY_TABLES = ("catalog", "playlists")

ISRC_PATTERN = r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$"
DATE_FORMAT = "%Y-%m-%d"


def column_names(table: str) -> list[str]:
    return [column.name for column in TABLES[table]]


def number_column(name: str) -> str:
    """Name of the helper column holding the numeric reading of a text column."""
    return f"{name}_as_number"
