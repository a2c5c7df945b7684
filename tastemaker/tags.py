"""Embedded tags of audio files (title, artist, ISRC, ...), read and written with mutagen.

Deliveries carry metadata in three tag families: ID3 frames (MP3, and WAV/AIFF ID3 chunks),
Vorbis comments (FLAC, Ogg) and MP4 atoms (M4A). This module hides the difference behind one
small record, so intake and validation compare a file's own tags with the catalog without
caring about its format.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import mutagen
from mutagen.id3 import ID3, TALB, TCON, TDRC, TIT2, TPE1, TSRC
from mutagen.mp4 import MP4, MP4FreeForm

from tastemaker.errors import UserError


class UnreadableAudioError(UserError):
    """The file is not an audio format mutagen knows, or is too damaged to open."""


@dataclass(frozen=True)
class TrackTags:
    """What a file says about itself; None where the tag is absent or empty."""

    title: str | None = None
    artist: str | None = None
    isrc: str | None = None
    date: str | None = None
    genre: str | None = None
    album: str | None = None


_ID3_FRAMES = {"title": TIT2, "artist": TPE1, "isrc": TSRC, "date": TDRC, "genre": TCON, "album": TALB}
_MP4_ATOMS = {
    "title": "\xa9nam",
    "artist": "\xa9ART",
    "date": "\xa9day",
    "genre": "\xa9gen",
    "album": "\xa9alb",
}
_MP4_ISRC = "----:com.apple.iTunes:ISRC"


def read_tags(path: Path) -> TrackTags:
    """The tags embedded in `path`; all None for a readable file that has no tags."""
    audio = _open(path)
    tags = audio.tags
    if tags is None:
        return TrackTags()
    if isinstance(tags, ID3):
        values = {name: _first(tags.get(frame.__name__)) for name, frame in _ID3_FRAMES.items()}
    elif isinstance(audio, MP4):
        values = {name: _first(tags.get(atom)) for name, atom in _MP4_ATOMS.items()}
        values["isrc"] = _first(tags.get(_MP4_ISRC))
    else:  # Vorbis comments: case-insensitive keys named like the fields.
        values = {name: _first(tags.get(name)) for name in _ID3_FRAMES}
    return TrackTags(**values)


def write_tags(path: Path, tags: TrackTags) -> None:
    """Embed every non-None field of `tags` into `path`, keeping the other tags it already has."""
    audio = _open(path)
    if audio.tags is None:
        audio.add_tags()
    values = {f.name: getattr(tags, f.name) for f in fields(tags) if getattr(tags, f.name) is not None}
    if isinstance(audio.tags, ID3):
        for name, value in values.items():
            audio.tags.setall(_ID3_FRAMES[name].__name__, [_ID3_FRAMES[name](encoding=3, text=[value])])
    elif isinstance(audio, MP4):
        for name, value in values.items():
            if name == "isrc":
                audio.tags[_MP4_ISRC] = [MP4FreeForm(value.encode("utf-8"))]
            else:
                audio.tags[_MP4_ATOMS[name]] = [value]
    else:
        for name, value in values.items():
            audio.tags[name] = [value]
    audio.save()


def _open(path: Path):
    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError as error:
        raise UnreadableAudioError(f"cannot read tags of {path}: {error}") from error
    if audio is None:
        raise UnreadableAudioError(f"cannot read tags of {path}: not an audio format mutagen recognises")
    return audio


def _first(value) -> str | None:
    """The first text of a tag value (ID3 frame, MP4 atom list or Vorbis list), None if empty."""
    if value is None:
        return None
    if hasattr(value, "text"):
        value = value.text
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = str(value).strip() if value is not None else ""
    return text or None
