"""One defect at a time injected into a small valid landing zone: each must be caught by
exactly the rule named, without a traceback, and every good row around it must survive."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from fixtures.validation_landing import (
    CATALOG,
    GOOD_ISRCS,
    PLAYLISTS,
    STREAMS,
    TODAY,
    build_landing,
    empty_manifest,
    tone_params,
    write_tone,
)

from tastemaker.validation import validate_landing

GOOD_PLAYLISTS = set(PLAYLISTS["playlist_id"])
NEW_ISRC = "FRXYZ2400077"


def catalog_row(**fields) -> dict:
    """A valid new catalog row pointing at audio/new/track.wav (written by the case)."""
    row = {
        "isrc": NEW_ISRC,
        "title": "Harbour Lights",
        "artist_name": "Mila Ross",
        "release_date": "2024-03-01",
        "audio_file": "new/track.wav",
        "genre": "pop",
        "duration_s": "6",
    }
    return {**row, **fields}


def append(root: Path, relpath: str, row: dict) -> None:
    path = root / relpath
    with path.open(newline="") as stream:
        header = next(csv.reader(stream))
    with path.open("a", newline="") as stream:
        csv.DictWriter(stream, fieldnames=header).writerow(row)


def new_track(root: Path, audio: Callable[[Path], None] | None = None, **fields) -> None:
    (audio or write_tone)(root / "audio" / "new" / "track.wav")
    append(root, "catalog.csv", catalog_row(**fields))


def stream_row(**fields) -> dict:
    row = {
        "date": "2024-03-29",
        "isrc": "GBAYE2400001",
        "playlist_id": "pl-003",
        "territory": "FR",
        "streams": "7",
        "listeners": "6",
        "skips": "1",
        "saves": "1",
    }
    return {**row, **fields}


def add_stream(root: Path, **fields) -> None:
    append(root, "streams/2024-03-30.csv", stream_row(**fields))


def add_playlist(root: Path, **fields) -> None:
    row = {
        "playlist_id": "pl-004",
        "name": "Rainy Days",
        "followers": "77",
        "curator": "",
        "territory": "FR",
        "genre": "ambient",
    }
    append(root, "playlists.csv", {**row, **fields})


def symlink_outside(root: Path) -> None:
    outside = write_tone(root.parent / "elsewhere.wav")
    (root / "audio" / "new").mkdir(parents=True)
    (root / "audio" / "new" / "track.wav").symlink_to(outside)
    append(root, "catalog.csv", catalog_row())


def not_audio(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("isrc,title\nthis is a spreadsheet, not a song\n")


def extra_stream_file(root: Path, frame: pd.DataFrame, suffix: str = ".csv") -> None:
    path = root / "streams" / f"2024-03-29{suffix}"
    frame.to_parquet(path) if suffix == ".parquet" else frame.to_csv(path, index=False)


@dataclass(frozen=True)
class Case:
    name: str
    inject: Callable[[Path], None]
    table: str
    rule: str
    key: str | None  # the key the finding names (ISRC, playlist_id, audio path or file)
    severity: str = "error"


CASES = [
    # Catalog rows
    Case("isrc missing", lambda r: new_track(r, isrc=""), "catalog", "required_field", "new/track.wav"),
    Case(
        "isrc malformed",
        lambda r: new_track(r, isrc="FR-XYZ-24-0007X"),
        "catalog",
        "isrc_format",
        "FRXYZ240007X",
    ),
    Case(
        "isrc too short", lambda r: new_track(r, isrc="FRXYZ240007"), "catalog", "isrc_format", "FRXYZ240007"
    ),
    Case(
        "isrc reused by another song",
        lambda r: new_track(r, isrc="gbaye2400001"),
        "catalog",
        "duplicate_key",
        "GBAYE2400001",
    ),
    Case(
        "exact duplicate row",
        lambda r: append(r, "catalog.csv", CATALOG.iloc[1].to_dict()),
        "catalog",
        "duplicate_row",
        "GBAYE2400002",
    ),
    Case(
        "impossible release date",
        lambda r: new_track(r, release_date="2024-02-30"),
        "catalog",
        "date_format",
        NEW_ISRC,
    ),
    Case(
        "release date in US style",
        lambda r: new_track(r, release_date="03/01/2024"),
        "catalog",
        "date_format",
        NEW_ISRC,
    ),
    Case("title missing", lambda r: new_track(r, title=""), "catalog", "required_field", NEW_ISRC),
    Case("artist missing", lambda r: new_track(r, artist_name="  "), "catalog", "required_field", NEW_ISRC),
    Case("negative duration", lambda r: new_track(r, duration_s="-6"), "catalog", "negative_value", NEW_ISRC),
    Case(
        "duration not a number",
        lambda r: new_track(r, duration_s="six"),
        "catalog",
        "number_format",
        NEW_ISRC,
    ),
    Case(
        "audio path climbs out",
        lambda r: new_track(r, audio_file="../catalog.csv"),
        "catalog",
        "audio_path_unsafe",
        NEW_ISRC,
    ),
    Case(
        "audio path absolute",
        lambda r: new_track(r, audio_file="/etc/hostname"),
        "catalog",
        "audio_path_unsafe",
        NEW_ISRC,
    ),
    Case("audio path is a link outside", symlink_outside, "catalog", "audio_path_unsafe", NEW_ISRC),
    Case(
        "audio file absent",
        lambda r: new_track(r, audio_file="new/missing.wav"),
        "catalog",
        "audio_missing",
        NEW_ISRC,
    ),
    Case(
        "audio delivered without a row",
        lambda r: write_tone(r / "audio" / "stray.wav"),
        "audio",
        "audio_unreferenced",
        "audio/stray.wav",
        "warning",
    ),
    Case(
        "URL in artist name",
        lambda r: new_track(r, artist_name="Mila Ross www.milaross.com"),
        "catalog",
        "url_in_name",
        NEW_ISRC,
        "warning",
    ),
    Case(
        "handle in title",
        lambda r: new_track(r, title="Harbour Lights (feat. @djtide)"),
        "catalog",
        "handle_in_name",
        NEW_ISRC,
        "warning",
    ),
    Case(
        "title in capitals",
        lambda r: new_track(r, title="HARBOUR LIGHTS"),
        "catalog",
        "all_caps_title",
        NEW_ISRC,
        "warning",
    ),
    # Audio files
    Case(
        "text file named .wav",
        lambda r: new_track(r, audio=not_audio),
        "audio",
        "audio_undecodable",
        "audio/new/track.wav",
    ),
    Case(
        "too short",
        lambda r: new_track(r, audio=lambda p: write_tone(p, seconds=2)),
        "audio",
        "too_short",
        "audio/new/track.wav",
    ),
    Case(
        "low sample rate",
        lambda r: new_track(r, audio=lambda p: write_tone(p, rate=22050)),
        "audio",
        "low_sample_rate",
        "audio/new/track.wav",
        "warning",
    ),
    Case(
        "three channels",
        lambda r: new_track(r, audio=lambda p: write_tone(p, channels=3)),
        "audio",
        "channel_count",
        "audio/new/track.wav",
    ),
    Case(
        "clipped",
        lambda r: new_track(r, audio=lambda p: write_tone(p, amplitude=1.6)),
        "audio",
        "clipping",
        "audio/new/track.wav",
        "warning",
    ),
    Case(
        "long silence before",
        lambda r: new_track(r, audio=lambda p: write_tone(p, leading_silence_s=2)),
        "audio",
        "leading_silence",
        "audio/new/track.wav",
    ),
    Case(
        "long silence after",
        lambda r: new_track(r, audio=lambda p: write_tone(p, trailing_silence_s=2)),
        "audio",
        "trailing_silence",
        "audio/new/track.wav",
    ),
    Case(
        "far too quiet",
        lambda r: new_track(r, audio=lambda p: write_tone(p, amplitude=0.005)),
        "audio",
        "loudness_out_of_range",
        "audio/new/track.wav",
        "warning",
    ),
    Case(
        "true peak over the ceiling",
        lambda r: new_track(r, audio=lambda p: write_tone(p, amplitude=0.98)),
        "audio",
        "true_peak_too_high",
        "audio/new/track.wav",
        "warning",
    ),
    Case(
        "declared duration wrong",
        lambda r: new_track(r, duration_s="185"),
        "catalog",
        "duration_mismatch",
        NEW_ISRC,
        "warning",
    ),
    # Playlists
    Case(
        "playlist id reused",
        lambda r: add_playlist(r, playlist_id="pl-002"),
        "playlists",
        "duplicate_key",
        "pl-002",
    ),
    Case(
        "playlist name missing", lambda r: add_playlist(r, name=""), "playlists", "required_field", "pl-004"
    ),
    Case(
        "negative followers",
        lambda r: add_playlist(r, followers="-5"),
        "playlists",
        "negative_value",
        "pl-004",
    ),
    Case(
        "followers written 1.5k",
        lambda r: add_playlist(r, followers="1.5k"),
        "playlists",
        "integer_format",
        "pl-004",
    ),
    Case(
        "territory UK is not ISO",
        lambda r: add_playlist(r, territory="UK"),
        "playlists",
        "territory_code",
        "pl-004",
    ),
    # Streams
    Case(
        "report from the future",
        lambda r: add_stream(r, date="2024-04-02"),
        "streams",
        "date_in_future",
        "GBAYE2400001",
    ),
    Case(
        "report date unreadable",
        lambda r: add_stream(r, date="yesterday"),
        "streams",
        "date_format",
        "GBAYE2400001",
    ),
    Case(
        "stream for an unknown track",
        lambda r: add_stream(r, isrc="GBAYE2499999"),
        "streams",
        "unknown_isrc",
        "GBAYE2499999",
    ),
    Case(
        "stream for a quarantined track",
        lambda r: (new_track(r, title=""), add_stream(r, isrc=NEW_ISRC)),
        "streams",
        "track_quarantined",
        NEW_ISRC,
    ),
    Case(
        "stream isrc malformed", lambda r: add_stream(r, isrc="GBAYE24"), "streams", "isrc_format", "GBAYE24"
    ),
    Case(
        "stream from an unknown playlist",
        lambda r: add_stream(r, playlist_id="pl-999"),
        "streams",
        "unknown_playlist",
        "GBAYE2400001",
    ),
    Case(
        "more skips than streams",
        lambda r: add_stream(r, skips="9"),
        "streams",
        "count_exceeds_streams",
        "GBAYE2400001",
    ),
    Case(
        "more listeners than streams",
        lambda r: add_stream(r, listeners="8"),
        "streams",
        "count_exceeds_streams",
        "GBAYE2400001",
    ),
    Case(
        "negative streams", lambda r: add_stream(r, streams="-7"), "streams", "negative_value", "GBAYE2400001"
    ),
    Case(
        "fractional saves", lambda r: add_stream(r, saves="0.5"), "streams", "integer_format", "GBAYE2400001"
    ),
    Case(
        "territory ZZ", lambda r: add_stream(r, territory="ZZ"), "streams", "territory_code", "GBAYE2400001"
    ),
    Case("streams missing", lambda r: add_stream(r, streams=""), "streams", "required_field", "GBAYE2400001"),
    Case(
        "streams of 20 digits",
        lambda r: add_stream(r, streams="98765432109876543210"),
        "streams",
        "number_too_large",
        "GBAYE2400001",
    ),
    Case(
        "streams in Arabic-Indic digits",
        lambda r: add_stream(r, streams="\u0663\u0662"),
        "streams",
        "integer_format",
        "GBAYE2400001",
    ),
    Case(
        "followers of 20 digits",
        lambda r: add_playlist(r, followers="12345678901234567890"),
        "playlists",
        "number_too_large",
        "pl-004",
    ),
    Case(
        "followers in Devanagari digits",
        lambda r: add_playlist(r, followers="\u0967\u0968"),
        "playlists",
        "integer_format",
        "pl-004",
    ),
    # Files
    Case(
        "garbage streams file",
        lambda r: (r / "streams" / "2024-03-29.csv").write_bytes(b"\x00\xff\xfe" * 99),
        "streams",
        "file_unreadable",
        "streams/2024-03-29.csv",
    ),
    Case(
        "streams file without saves column",
        lambda r: extra_stream_file(r, pd.DataFrame([stream_row()]).drop(columns="saves")),
        "streams",
        "column_missing",
        "streams/2024-03-29.csv",
    ),
    Case(
        "parquet streams with negative skips",
        lambda r: extra_stream_file(
            r, pd.DataFrame([stream_row(skips=-1)]).astype({"skips": "int64"}), ".parquet"
        ),
        "streams",
        "negative_value",
        "GBAYE2400001",
    ),
    Case(
        "unknown column in playlists",
        lambda r: PLAYLISTS.assign(mood="calm").to_csv(r / "playlists.csv", index=False),
        "playlists",
        "column_unexpected",
        "playlists.csv",
        "warning",
    ),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return build_landing(tmp_path_factory.mktemp("pristine") / "landing")


@pytest.fixture(scope="module")
def qc_cache(tmp_path_factory) -> Path:
    """Shared across cases: the good tones are measured once, as they would be day to day."""
    return tmp_path_factory.mktemp("qc")


def test_corpus_is_large_and_distinct():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


def as_param(case: Case):
    """Audio defects are new content each time, so each costs a decode in a fresh worker process."""
    decodes_new_audio = case.table == "audio" and case.rule != "audio_unreferenced"
    return pytest.param(case, id=case.name, marks=[pytest.mark.slow] if decodes_new_audio else [])


@pytest.mark.parametrize("case", [as_param(case) for case in CASES])
def test_bad_input_is_caught_by_its_rule(case: Case, pristine: Path, qc_cache: Path, tmp_path: Path):
    landing = tmp_path / "landing"
    shutil.copytree(pristine, landing, symlinks=True)
    case.inject(landing)

    result = validate_landing(
        landing, empty_manifest(), tone_params(), tmp_path / "reports", qc_cache, today=TODAY
    )

    hits = result.issues[(result.issues["table"] == case.table) & (result.issues["rule"] == case.rule)]
    if case.key is not None:
        hits = hits[hits["key"] == case.key]
    else:
        hits = hits[hits["key"].isna()]
    assert len(hits) == 1, result.issues.to_string()
    assert hits.iloc[0]["severity"] == case.severity
    assert set(result.tables["catalog"]["isrc"]) >= GOOD_ISRCS
    assert set(result.tables["playlists"]["playlist_id"]) >= GOOD_PLAYLISTS
    baseline_streams = result.tables["streams"].merge(
        STREAMS.assign(isrc=lambda s: s["isrc"].str.upper())[["isrc"]]
    )
    assert len(result.tables["streams"]) >= len(STREAMS) and len(baseline_streams) >= len(STREAMS)
    for table, counts in result.counts.items():
        assert counts["rows_in"] == counts["accepted"] + counts["quarantined"], table
    assert result.counts["catalog"]["rows_in"] - result.counts["catalog"]["accepted"] <= 1


def test_a_blank_artist_id_is_derived_from_the_artist_name(pristine: Path, qc_cache: Path, tmp_path: Path):
    landing = tmp_path / "landing"
    shutil.copytree(pristine, landing, symlinks=True)
    catalog = pd.read_csv(landing / "catalog.csv", dtype=str, keep_default_na=False)
    catalog["artist_id"] = ["ada-1", "", ""]  # one blank for Ada Vale, one for The Quiet Hours
    catalog.to_csv(landing / "catalog.csv", index=False)

    result = validate_landing(
        landing, empty_manifest(), tone_params(), tmp_path / "reports", qc_cache, today=TODAY
    )

    accepted = result.tables["catalog"].set_index("isrc")["artist_id"]
    assert len(accepted) == 3 and accepted.notna().all()
    assert accepted["GBAYE2400001"] == "ada-1"
    assert accepted["GBAYE2400002"] != accepted["USRC12400003"]
    assert all(isinstance(value, str) and value not in ("", "None", "nan") for value in accepted)
