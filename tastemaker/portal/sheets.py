"""A track's pitch sheet as CSV, safe to open in a spreadsheet: titles, playlist names and curators
come from deliveries, so their cells are neutralised as in every export."""

from __future__ import annotations

import csv
import io

from tastemaker.exports import neutralised

SHEET_COLUMNS = [
    "run_date",
    "rank",
    "isrc",
    "track_title",
    "playlist_id",
    "playlist_name",
    "territory",
    "followers",
    "curator",
    "fit",
    "expected_streams_low",
    "expected_streams_high",
    "release_date",
    "unreleased",
    "why",
]


def pitch_sheet_csv(pitches: list[dict]) -> str:
    """The pitches as CSV, one row each, the reasons joined; control pairs are never on a sheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    for pitch in pitches:
        band = pitch["expected_streams"] or {}
        row = {
            **pitch,
            "expected_streams_low": band.get("low"),
            "expected_streams_high": band.get("high"),
            "why": "; ".join([pitch["note"], *pitch["reasons"]] if pitch["note"] else pitch["reasons"]),
        }
        writer.writerow([neutralised(row[column]) for column in SHEET_COLUMNS])
    return out.getvalue()
