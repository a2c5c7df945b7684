"""One day's publication as files: a JSON document and an HTML page per artist, plus an index.

Labels that do not query the database read these from a share or a bucket, so a folder must
never be seen half-written. A day is built in a hidden folder beside its target and renamed
into place; a crash while building leaves the previous folder of that day untouched. A
directory cannot be renamed over a non-empty one, so replacing a day takes two renames (old
folder aside, new folder in); if a crash falls between them, the next write puts the old
folder back before doing anything else. One writer at a time, as the DVC stage runs.

Layout under `out_dir`:
    <run_date>/index.html
    <run_date>/artists/<artist_id>.json
    <run_date>/html/<artist_id>.html
    <run_date>/sheets/<artist_id>.csv     the artist's pitch sheets (`tastemaker.pitch_sheet`)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from tastemaker.pitch_sheet import sheets_csv
from tastemaker.publication.html import (
    CONTROL_ACTION,
    PITCH_ACTION,
    IndexEntry,
    render_artist_page,
    render_index,
)

PITCH_FIELDS = ["rank", "isrc", "track_title", "playlist_id", "playlist_name", "score", "is_control"]
BUILDING_MARK = ".building-"
PREVIOUS_MARK = ".previous"


def write_publication_files(recommendations: pd.DataFrame, header: dict, out_dir: Path,
                            pitch_sheets: dict[str, list[dict]] | None = None) -> Path:
    """Write (or replace) the folder of `header['run_date']` and return it.

    `pitch_sheets` maps an artist id to the pitch sheets of their tracks (none when absent).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    restore_interrupted_swaps(out_dir)
    day = out_dir / header["run_date"].isoformat()
    _remove_abandoned_builds(day)
    building = Path(tempfile.mkdtemp(prefix=f".{day.name}{BUILDING_MARK}", dir=out_dir))
    try:
        _write_day(recommendations, _jsonable(header), building, pitch_sheets or {})
        _swap_into_place(building, day)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return day


def prune_publication_files(out_dir: Path, keep_days: int, today: dt.date) -> list[Path]:
    """Delete the day folders older than `keep_days` before `today`, as the store deletes its rows."""
    oldest_kept = today - dt.timedelta(days=keep_days)
    removed = []
    for day, run_date in publication_days(Path(out_dir)).items():
        if run_date < oldest_kept:
            shutil.rmtree(day)
            removed.append(day)
    return removed


def publication_days(out_dir: Path) -> dict[Path, dt.date]:
    """The published day folders under `out_dir` (hidden work folders excluded), oldest first."""
    days = {}
    for folder in sorted(out_dir.iterdir()) if out_dir.is_dir() else []:
        if not folder.is_dir():
            continue
        try:
            days[folder] = dt.date.fromisoformat(folder.name)
        except ValueError:
            continue
    return days


def restore_interrupted_swaps(out_dir: Path) -> None:
    """Undo a replacement that crashed between its two renames: the old day folder comes back."""
    for previous in out_dir.glob(f".*{PREVIOUS_MARK}"):
        day = out_dir / previous.name[1:-len(PREVIOUS_MARK)]
        if day.exists():
            shutil.rmtree(previous)
        else:
            os.replace(previous, day)


def artist_file_stem(artist_id: str) -> str:
    """A file name for any artist id: ids are label data and may hold `/`, spaces or `..`."""
    return quote(artist_id, safe="-_")


def artist_document(artist_id: str, pitches: pd.DataFrame, lineage: dict,
                    pitch_sheets: list[dict] = ()) -> dict:
    """What a label needs to act on one artist's pitches, with the lineage to trace them back, and the
    pre-filled pitch sheet of each of the artist's tracks."""
    ranked = pitches.sort_values("rank")
    return {
        "artist_id": artist_id,
        "artist_name": str(ranked["artist_name"].iloc[0]),
        "lineage": lineage,
        "pitches": [
            {
                "rank": int(row.rank), "isrc": str(row.isrc), "track_title": str(row.track_title),
                "playlist_id": str(row.playlist_id), "playlist_name": str(row.playlist_name),
                "score": float(row.score), "reasons": json.loads(row.reasons),
                "is_control": bool(row.is_control),
                "action": CONTROL_ACTION if row.is_control else PITCH_ACTION,
            }
            for row in ranked[[*PITCH_FIELDS, "reasons"]].itertuples(index=False)
        ],
        "pitch_sheets": list(pitch_sheets),
    }


def _write_day(recommendations: pd.DataFrame, lineage: dict, folder: Path,
               pitch_sheets: dict[str, list[dict]]) -> None:
    for part in ("artists", "html", "sheets"):
        (folder / part).mkdir()
    entries = []
    for artist_id, pitches in recommendations.groupby("artist_id", sort=True):
        document = artist_document(str(artist_id), pitches, lineage, pitch_sheets.get(str(artist_id), []))
        stem = artist_file_stem(document["artist_id"])
        document["pitch_sheets_csv"] = f"sheets/{stem}.csv"  # the same sheets, relative to the day folder
        artist_json = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        (folder / "artists" / f"{stem}.json").write_text(artist_json)
        (folder / document["pitch_sheets_csv"]).write_text(sheets_csv(document["pitch_sheets"]))
        (folder / "html" / f"{stem}.html").write_text(render_artist_page(document))
        entries.append(_index_entry(document, href=f"html/{quote(stem)}.html"))
    entries.sort(key=lambda entry: entry.artist_name.casefold())
    (folder / "index.html").write_text(render_index(lineage, entries))
    os.chmod(folder, 0o755)  # mkdtemp makes it private; a published day is for everyone on the share


def _index_entry(document: dict, href: str) -> IndexEntry:
    pitched = [pitch for pitch in document["pitches"] if not pitch["is_control"]]
    return IndexEntry(
        artist_name=document["artist_name"], href=href, pitches=len(pitched),
        controls=len(document["pitches"]) - len(pitched), top_pitch=pitched[0] if pitched else None,
    )


def _jsonable(header: dict) -> dict:
    """The lineage header as JSON values: dates and times as ISO strings, numpy scalars as Python ones."""
    converted = {}
    for key, value in header.items():
        if isinstance(value, dt.date):  # datetimes and pandas Timestamps included
            converted[key] = value.isoformat()
        elif hasattr(value, "item"):
            converted[key] = value.item()
        else:
            converted[key] = value
    return converted


def _swap_into_place(building: Path, day: Path) -> None:
    previous = _previous_of(day)
    if day.exists():
        os.replace(day, previous)
    os.replace(building, day)
    shutil.rmtree(previous, ignore_errors=True)


def _remove_abandoned_builds(day: Path) -> None:
    """Folders left by writers of this day that were killed before renaming theirs into place."""
    for abandoned in day.parent.glob(f".{day.name}{BUILDING_MARK}*"):
        shutil.rmtree(abandoned)


def _previous_of(day: Path) -> Path:
    return day.with_name(f".{day.name}{PREVIOUS_MARK}")
