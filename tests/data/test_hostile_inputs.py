"""Hostile landing zones, one entry at a time, taken in the way a delivery is: ingest, then
validation. Each must be refused or reported under the rule named, never hang, fill the disk
or raise, and every good row around it must survive unless the fault is systemic.

Grows with every new intake format: add a Case."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from fixtures.validation_landing import (
    CATALOG,
    GOOD_ISRCS,
    STREAMS,
    TODAY,
    build_landing,
    tone_params,
    write_tone,
)

from tastemaker.ingest import ingest
from tastemaker.validation import validate_landing

NEW_ISRC = "FRXYZ2400077"
NEW_ROW = {
    "isrc": NEW_ISRC,
    "title": "Harbour Lights",
    "artist_name": "Mila Ross",
    "release_date": "2024-03-01",
    "audio_file": "new/track.wav",
    "genre": "pop",
    "duration_s": "6",
}


def with_new_row(root: Path) -> None:
    pd.concat([CATALOG, pd.DataFrame([NEW_ROW])]).to_csv(root / "catalog.csv", index=False)


def fifo_for_new_track(root: Path) -> None:
    (root / "audio" / "new").mkdir(parents=True)
    os.mkfifo(root / "audio" / "new" / "track.wav")
    with_new_row(root)


def device_for_new_track(root: Path) -> None:
    (root / "audio" / "new").mkdir(parents=True)
    try:
        os.mknod(
            root / "audio" / "new" / "track.wav", 0o600 | stat.S_IFCHR, os.makedev(1, 5)
        )  # like /dev/zero
    except PermissionError:
        pytest.skip("creating a device file needs CAP_MKNOD")
    with_new_row(root)


def link_to_itself(root: Path) -> None:
    (root / "audio" / "loop.wav").symlink_to("loop.wav")


def folder_link_to_an_ancestor(root: Path) -> None:
    (root / "audio" / "again").symlink_to("..")


def audio_folder_linked_outside(root: Path) -> None:
    outside = root.parent / "masters"
    shutil.move(root / "audio", outside)
    (root / "audio").symlink_to(outside)


def file_linked_outside(root: Path) -> None:
    (root / "audio" / "new").mkdir(parents=True)
    (root / "audio" / "new" / "track.wav").symlink_to(write_tone(root.parent / "elsewhere.wav"))
    with_new_row(root)


def second_stream_file(root: Path, text: str, name: str = "2024-03-29.csv") -> None:
    (root / "streams" / name).write_text(text)


STREAM_HEADER = "date,isrc,playlist_id,territory,streams,listeners,skips,saves"
STREAM_ROW = "2024-03-29,GBAYE2400001,pl-003,FR,7,6,1,1"


@dataclass(frozen=True)
class Case:
    name: str
    inject: Callable[[Path], None]
    table: str
    rule: str
    key: str
    severity: str = "error"
    stops: bool = False  # a systemic fault: the delivery is refused as a whole


CASES = [
    Case("FIFO named by a catalog row", fifo_for_new_track, "catalog", "file_not_regular", NEW_ISRC),
    Case(
        "FIFO delivered alone",
        lambda r: os.mkfifo(r / "audio" / "stray.wav"),
        "audio",
        "file_not_regular",
        "audio/stray.wav",
    ),
    Case(
        "character device named by a catalog row",
        device_for_new_track,
        "catalog",
        "file_not_regular",
        NEW_ISRC,
    ),
    Case("symbolic link to itself", link_to_itself, "audio", "link_broken", "audio/loop.wav"),
    Case("folder link to an ancestor", folder_link_to_an_ancestor, "audio", "link_broken", "audio/again"),
    Case("file link pointing outside", file_linked_outside, "catalog", "link_outside", NEW_ISRC),
    Case(
        "audio folder linked outside",
        audio_folder_linked_outside,
        "audio",
        "link_outside",
        "audio",
        stops=True,
    ),
    Case(
        "audio folder linked outside, as its rows say",
        audio_folder_linked_outside,
        "catalog",
        "link_outside",
        "GBAYE2400001",
        stops=True,
    ),
    Case(
        "header with streams and STREAMS",
        lambda r: second_stream_file(r, f"{STREAM_HEADER},STREAMS\n{STREAM_ROW},7\n"),
        "streams",
        "column_duplicate",
        "streams/2024-03-29.csv",
        stops=True,
    ),
    Case(
        "report separated by semicolons",
        lambda r: second_stream_file(r, f"{STREAM_HEADER}\n{STREAM_ROW}\n".replace(",", ";")),
        "streams",
        "file_unreadable",
        "streams/2024-03-29.csv",
        stops=True,
    ),
    Case(
        "report saved as .tsv",
        lambda r: second_stream_file(
            r, f"{STREAM_HEADER}\n{STREAM_ROW}\n".replace(",", "\t"), "2024-03-29.tsv"
        ),
        "streams",
        "file_unexpected",
        "streams/2024-03-29.tsv",
        severity="warning",
    ),
    Case(
        "notes saved as .txt in streams/",
        lambda r: second_stream_file(r, "call the label\n", "notes.txt"),
        "streams",
        "file_unexpected",
        "streams/notes.txt",
        severity="warning",
    ),
    Case(
        "catalog.csv beside a stale catalog.parquet",
        lambda r: CATALOG.iloc[:1].to_parquet(r / "catalog.parquet"),
        "catalog",
        "file_ambiguous",
        "catalog.csv + catalog.parquet",
        stops=True,
    ),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return build_landing(tmp_path_factory.mktemp("pristine") / "landing")


@pytest.fixture(scope="module")
def qc_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("qc")


def take_in(landing: Path, work: Path, qc_cache: Path):
    """Ingest then validate, as `pipelines.delivery` does."""
    ingested = ingest(str(landing), work / "raw", None)
    refused = {rejection.relpath: (rejection.rule, rejection.message) for rejection in ingested.rejected}
    return validate_landing(
        work / "raw",
        ingested.manifest,
        tone_params(),
        work / "reports",
        qc_cache,
        today=TODAY,
        refused=refused,
    )


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_entry_is_reported_under_its_rule(case: Case, pristine: Path, qc_cache: Path, tmp_path: Path):
    landing = tmp_path / "landing"
    shutil.copytree(pristine, landing, symlinks=True)
    case.inject(landing)

    result = take_in(landing, tmp_path, qc_cache)

    hits = result.issues[
        (result.issues["table"] == case.table)
        & (result.issues["rule"] == case.rule)
        & (result.issues["key"] == case.key)
    ]
    assert len(hits) == 1, result.issues.to_string()
    assert hits.iloc[0]["severity"] == case.severity
    assert not list((tmp_path / "raw").rglob("*.partial"))
    reason = result.threshold_exceeded(tone_params(max_quarantine_share=0.5))  # one row of four may go
    if case.stops:
        assert reason and "\n" not in reason
        return
    assert reason is None, reason
    assert set(result.tables["catalog"]["isrc"]) >= GOOD_ISRCS
    assert len(result.tables["streams"]) >= len(STREAMS)
    assert "required_field" not in set(result.issues["rule"])


def test_an_audio_folder_linked_inside_the_landing_zone_is_read_like_a_real_one(
    pristine: Path, qc_cache: Path, tmp_path: Path
):
    landing = tmp_path / "landing"
    shutil.copytree(pristine, landing, symlinks=True)
    (landing / "audio").rename(landing / "masters")
    (landing / "audio").symlink_to("masters")

    result = take_in(landing, tmp_path, qc_cache)

    assert set(result.tables["catalog"]["isrc"]) == GOOD_ISRCS
    assert result.counts["streams"]["quarantined"] == 0
    assert result.threshold_exceeded(tone_params()) is None
