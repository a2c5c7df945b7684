"""A pitch sheet per track: the fields a DSP's pitch form asks for, pre-filled, with how sure each one is.

Editors' pitch forms (Spotify for Artists and the like) ask for genres, a style, moods, instruments,
vocal or instrumental, tempo, key, energy and the release date. Typing them for every release is where a
label's time goes; here they come pre-filled from the audio (the deep tagger and the hand-made auto-tags)
and the catalog, each with its confidence, so the label corrects rather than types. Every field says
where it came from (`source`: audio or catalog). The same sheet is exported as JSON (nested, as published
in the artist files) and as CSV (one row per track, ready to paste into a spreadsheet).
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from tastemaker.audio.deep_tags import GENRES, INSTRUMENTS, MOODS, SUB_STYLES, display_name, ranked, vocals
from tastemaker.exports import neutralised

TOP_GENRES, TOP_MOODS, TOP_INSTRUMENTS = 2, 3, 2


def pitch_sheets(
    catalog: pd.DataFrame, auto_tags: pd.DataFrame, deep_tags: pd.DataFrame | None
) -> list[dict]:
    """One sheet per catalog track (catalog order); fields the audio could not fill are None.

    `auto_tags` is the features stage's auto_tags table (bpm, key, mode, energy with confidences);
    `deep_tags` its deep_tags table of tag probabilities, or None when the deep tagger was off.
    """
    tags_of = auto_tags.drop_duplicates("isrc").set_index("isrc")
    deep_of = deep_tags.drop_duplicates("isrc").set_index("isrc") if deep_tags is not None else None
    sheets = []
    for track in catalog.drop_duplicates("isrc").itertuples(index=False):
        sheet = {
            "isrc": str(track.isrc),
            "title": str(track.title),
            "artist_id": str(track.artist_id),
            "artist_name": str(track.artist_name),
            "release_date": _catalog_field(_date_text(getattr(track, "release_date", None))),
            "catalog_genre": _catalog_field(_text(getattr(track, "genre", None))),
        }
        sheet.update(_audio_fields(tags_of.loc[track.isrc] if track.isrc in tags_of.index else None))
        deep = deep_of.loc[track.isrc] if deep_of is not None and track.isrc in deep_of.index else None
        sheet.update(_deep_fields(deep))
        sheets.append(sheet)
    return sheets


def sheets_by_artist(sheets: list[dict]) -> dict[str, list[dict]]:
    """The sheets grouped by artist id, each artist's in catalog order."""
    grouped: dict[str, list[dict]] = {}
    for sheet in sheets:
        grouped.setdefault(sheet["artist_id"], []).append(sheet)
    return grouped


def sheets_csv(sheets: list[dict]) -> str:
    """The sheets as CSV text, one row per track, values beside their confidences."""
    rows = [flatten(sheet) for sheet in sheets]
    columns = list(rows[0]) if rows else list(flatten(_empty_sheet()))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: neutralised(value) for key, value in row.items()})
    return out.getvalue()


def flatten(sheet: dict) -> dict:
    """One flat record of a sheet: `genre_1`, `genre_1_confidence`, ..., `tempo_bpm`, `key`, ..."""
    flat = {key: sheet[key] for key in ("isrc", "title", "artist_id", "artist_name")}
    for field in ("release_date", "catalog_genre"):
        flat[field] = sheet[field]["value"] if sheet[field] else None
    for field, count in (("genres", TOP_GENRES), ("moods", TOP_MOODS), ("instruments", TOP_INSTRUMENTS)):
        entries = sheet[field] or []
        for i in range(count):
            entry = entries[i] if i < len(entries) else None
            flat[f"{field[:-1]}_{i + 1}"] = entry["value"] if entry else None
            flat[f"{field[:-1]}_{i + 1}_confidence"] = entry["confidence"] if entry else None
    for field in ("sub_style", "vocals", "tempo_bpm", "key", "energy"):
        flat[field] = sheet[field]["value"] if sheet[field] else None
        flat[f"{field}_confidence"] = sheet[field]["confidence"] if sheet[field] else None
    flat["energy_level"] = sheet["energy"]["level"] if sheet["energy"] else None
    return flat


def _audio_fields(tags: pd.Series | None) -> dict:
    """Tempo, key and energy from the hand-made auto-tags."""
    if tags is None:
        return {"tempo_bpm": None, "key": None, "energy": None}
    energy = float(tags["energy"])
    return {
        "tempo_bpm": _audio_field(round(float(tags["bpm"]), 1), tags["bpm_confidence"]),
        "key": _audio_field(
            f"{tags['key']} {tags['mode']}", min(tags["key_confidence"], tags["mode_confidence"])
        ),
        # Energy is measured (loudness and note density), not guessed: its confidence is None.
        "energy": {**_audio_field(round(energy, 2), None), "level": energy_level(energy)},
    }


def _deep_fields(deep: pd.Series | None) -> dict:
    """Genres, sub-style, moods, instruments and vocals from the deep tagger's probabilities."""
    if deep is None:
        return dict.fromkeys(("genres", "sub_style", "moods", "instruments", "vocals"))
    sub_style = ranked(deep, tuple(SUB_STYLES), 1)
    voice, voice_confidence = vocals(deep)
    return {
        "genres": [_audio_field(display_name(t), p) for t, p in ranked(deep, GENRES, TOP_GENRES)],
        "sub_style": _audio_field(display_name(sub_style[0][0]), sub_style[0][1]) if sub_style else None,
        "moods": [_audio_field(display_name(t), p) for t, p in ranked(deep, MOODS, TOP_MOODS)],
        "instruments": [
            _audio_field(display_name(t), p) for t, p in ranked(deep, INSTRUMENTS, TOP_INSTRUMENTS)
        ],
        "vocals": _audio_field(voice, voice_confidence),
    }


def energy_level(energy: float) -> str:
    """The word a pitch form wants for the 0..1 energy score."""
    return "low" if energy < 0.4 else "medium" if energy < 0.7 else "high"


def _audio_field(value, confidence) -> dict:
    return {
        "value": value,
        "confidence": None if confidence is None else round(float(confidence), 3),
        "source": "audio",
    }


def _catalog_field(value: str | None) -> dict | None:
    """A catalog value is what the label declared: certain as far as the sheet goes."""
    return None if value is None else {"value": value, "confidence": 1.0, "source": "catalog"}


def _text(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    return str(value).strip() or None


def _date_text(value) -> str | None:
    text = _text(value)
    return text[:10] if text else None  # dates and timestamps alike as YYYY-MM-DD


def _empty_sheet() -> dict:
    sheet = {
        "isrc": "",
        "title": "",
        "artist_id": "",
        "artist_name": "",
        "release_date": None,
        "catalog_genre": None,
    }
    sheet.update(_audio_fields(None))
    sheet.update(_deep_fields(None))
    return sheet
