"""Tag intake: build the catalog from the audio files' own tags when no catalog was delivered.

The rows it makes go through the same catalog suite, so a missing ISRC or title in the tags
is reported like an empty cell in a spreadsheet would be.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tastemaker.tags import UnreadableAudioError, read_tags
from tastemaker.validation.audio_paths import AUDIO_DIR
from tastemaker.validation.contract import column_names
from tastemaker.validation.landing import ROW_NUMBER, SOURCE_FILE, empty_table


def catalog_from_tags(snapshot: Path) -> pd.DataFrame:
    """One catalog row per file under audio/, in the layout of `landing.read_table`.

    A file whose tags cannot be read still gets a row (all fields empty), so it is counted and
    quarantined rather than silently skipped.
    """
    audio_root = snapshot / AUDIO_DIR
    paths = sorted(path for path in audio_root.rglob("*") if path.is_file()) if audio_root.is_dir() else []
    if not paths:
        return empty_table("catalog")
    rows = []
    for path in paths:
        try:
            tags = read_tags(path)
        except UnreadableAudioError:  # an empty row: the required-field rules report it
            tags = None
        rows.append(
            {
                "isrc": _text(tags and tags.isrc),
                "title": _text(tags and tags.title),
                "artist_name": _text(tags and tags.artist),
                "release_date": _text(tags and tags.date),
                "audio_file": path.relative_to(audio_root).as_posix(),
                "genre": _text(tags and tags.genre),
                SOURCE_FILE: path.relative_to(snapshot).as_posix(),
                ROW_NUMBER: None,
            }
        )
    frame = pd.DataFrame(rows)
    for name in column_names("catalog"):
        if name not in frame:
            frame[name] = None
    return frame.astype(object)


def _text(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None
