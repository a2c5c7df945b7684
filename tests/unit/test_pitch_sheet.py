"""Pitch sheets: pre-filled from the audio and the catalog, exported as JSON and CSV, published per
artist, and shown by `tastemaker tags`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from tastemaker.audio.deep_tags import tag_column, tag_columns
from tastemaker.audio.tagger import tag_names
from tastemaker.audio.tags_cli import tags_command
from tastemaker.errors import UserError
from tastemaker.pitch_sheet import pitch_sheets, sheets_by_artist, sheets_csv
from tastemaker.publication.files import write_publication_files
from tests.unit.test_publication_files import header_for, recommendations_for

FORMULA_TITLE = '=HYPERLINK("http://x","click")'


def catalog() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "isrc": ["QZA00000001", "QZA00000002", "QZB00000001"],
            "title": ["Night Drive", FORMULA_TITLE, "-1+2"],
            "artist_id": ["a1", "a1", "b2"],
            "artist_name": ["Alpha", "Alpha", "@Beta"],
            "release_date": pd.to_datetime(["2024-03-01", "2024-04-12", "2023-11-30"]),
            "genre": ["Electronic", None, "Rock"],
        }
    )


def auto_tags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "isrc": ["QZA00000001", "QZA00000002", "QZB00000001"],
            "bpm": [124.04, 90.0, 171.5],
            "bpm_confidence": [0.8, 0.4, 0.6],
            "key": ["A", "C", "E"],
            "key_confidence": [0.3, 0.1, 0.2],
            "mode": ["minor", "major", "minor"],
            "mode_confidence": [0.2, 0.05, 0.3],
            "energy": [0.82, 0.2, 0.5],
            "loudness_lufs": [-9.0, -20.0, -12.0],
        }
    )


def deep_tags(probabilities: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Every tag at 0.01 except those given, per isrc."""
    rows = []
    for isrc, given in probabilities.items():
        row = dict.fromkeys(tag_columns(tag_names()), 0.01)
        row.update({tag_column(tag): p for tag, p in given.items()})
        rows.append({"isrc": isrc, **row})
    return pd.DataFrame(rows)


DEEP = deep_tags(
    {
        "QZA00000001": {
            "electronic": 0.7,
            "dance": 0.5,
            "House": 0.3,
            "electronica": 0.4,
            "party": 0.6,
            "happy": 0.2,
            "instrumental": 0.6,
            "male vocalists": 0.2,
        },
        "QZA00000002": {"rnb": 0.5, "soul": 0.45, "female vocalists": 0.7, "sad": 0.3, "guitar": 0.2},
    }
)


def test_sheet_fields_come_from_the_audio_and_the_catalog_with_their_confidence():
    sheets = {s["isrc"]: s for s in pitch_sheets(catalog(), auto_tags(), DEEP)}
    first = sheets["QZA00000001"]
    assert [g["value"] for g in first["genres"]] == ["electronic", "dance"]
    assert first["genres"][0] == {"value": "electronic", "confidence": 0.7, "source": "audio"}
    assert first["sub_style"]["value"] == "electronica"
    assert [m["value"] for m in first["moods"]][:2] == ["party", "happy"]
    assert first["vocals"]["value"] == "instrumental" and first["vocals"]["confidence"] == pytest.approx(0.75)
    assert first["tempo_bpm"] == {"value": 124.0, "confidence": 0.8, "source": "audio"}
    assert first["key"]["value"] == "A minor" and first["key"]["confidence"] == 0.2
    assert first["energy"]["level"] == "high"
    assert first["release_date"] == {"value": "2024-03-01", "confidence": 1.0, "source": "catalog"}
    assert first["catalog_genre"]["value"] == "Electronic"
    second = sheets["QZA00000002"]
    assert [g["value"] for g in second["genres"]] == ["r&b", "soul"]
    assert second["vocals"]["value"] == "vocal" and second["catalog_genre"] is None
    # No deep tags for the third track (as with features.deep_tagger off): those fields stay empty.
    third = sheets["QZB00000001"]
    assert third["genres"] is None and third["vocals"] is None and third["tempo_bpm"]["value"] == 171.5


def test_csv_has_one_row_per_track_and_neutralises_formulas_but_not_numbers():
    text = sheets_csv(pitch_sheets(catalog(), auto_tags(), DEEP))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["isrc"] for r in rows] == ["QZA00000001", "QZA00000002", "QZB00000001"]
    assert rows[1]["title"] == "'" + FORMULA_TITLE
    assert rows[2]["title"] == "'-1+2" and rows[2]["artist_name"] == "'@Beta"
    assert rows[0]["genre_1"] == "electronic" and float(rows[0]["genre_1_confidence"]) == 0.7
    assert rows[0]["tempo_bpm"] == "124.0" and rows[0]["energy_level"] == "high"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_every_published_artist_json_has_a_pitch_sheet_per_track_and_the_page_shows_the_tags(tmp_path: Path):
    recommendations = recommendations_for({"a1": "Alpha", "b2": "@Beta"})
    sheets = sheets_by_artist(pitch_sheets(catalog(), auto_tags(), DEEP))
    day = write_publication_files(recommendations, header_for(recommendations), tmp_path, sheets)
    alpha = json.loads((day / "artists" / "a1.json").read_text())
    assert [s["isrc"] for s in alpha["pitch_sheets"]] == ["QZA00000001", "QZA00000002"]
    assert alpha["pitch_sheets"][0]["genres"][0]["value"] == "electronic"
    csv_rows = list(csv.DictReader(io.StringIO((day / alpha["pitch_sheets_csv"]).read_text())))
    assert [r["isrc"] for r in csv_rows] == ["QZA00000001", "QZA00000002"]
    page = (day / "html" / "a1.html").read_text()
    assert "electronica" in page and "70%" in page and "124.0" in page
    assert 'href="../sheets/a1.csv"' in page
    assert FORMULA_TITLE not in page  # autoescaped: the quotes become entities


def test_tags_command_prints_the_sheet_as_json_csv_or_a_table(tmp_path: Path):
    auto_tags().to_parquet(tmp_path / "auto_tags.parquet")
    DEEP.to_parquet(tmp_path / "deep_tags.parquet")
    as_json = json.loads(tags_command("QZA00000001", None, True, False, tmp_path, catalog()))
    assert len(as_json) == 1 and as_json[0]["genres"][0]["value"] == "electronic"
    as_csv = list(csv.DictReader(io.StringIO(tags_command(None, "Alpha", False, True, tmp_path, catalog()))))
    assert [r["isrc"] for r in as_csv] == ["QZA00000001", "QZA00000002"]
    table = tags_command("QZA00000001", None, False, False, tmp_path, catalog())
    assert "electronic 0.70" in table and "124.0" in table and "party 0.60" in table


@pytest.mark.parametrize(
    ("track", "artist", "message"),
    [
        ("QZX99999999", None, "unknown track"),
        (None, None, "exactly one"),
        ("QZA00000001", "Alpha", "exactly one"),
    ],
)
def test_tags_command_refuses_bad_requests_in_one_line(tmp_path: Path, track, artist, message):
    auto_tags().to_parquet(tmp_path / "auto_tags.parquet")
    with pytest.raises(UserError, match=message):
        tags_command(track, artist, False, False, tmp_path, catalog())
