"""Resolve a catalog's audio_file safely inside the snapshot's audio folder."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

AUDIO_DIR = "audio"


def locate_audio(
    snapshot: Path, audio_file: str, refused: dict[str, tuple[str, str]] | None = None
) -> tuple[str | None, str | None, str | None]:
    """(path relative to the snapshot, None, None) for a usable file, else (None, rule, why).

    Paths come from a label's spreadsheet: they may be Windows-style, absolute, climb out
    with '..', or name a symlink leading elsewhere; none of these may reach outside the delivery.
    `refused` maps the landing-zone entries ingest would not read to (rule, message): a row
    whose file (or a folder above it) was refused is quarantined with that cause, not as missing.
    """
    relative = PurePosixPath(audio_file.replace("\\", "/"))
    if relative.is_absolute() or relative.parts[:1] and relative.parts[0].endswith(":"):
        return None, "audio_path_unsafe", f"audio_file {audio_file!r} is an absolute path"
    if ".." in relative.parts:
        return None, "audio_path_unsafe", f"audio_file {audio_file!r} climbs out with '..'"
    candidate = snapshot / AUDIO_DIR / relative
    in_delivery = PurePosixPath(AUDIO_DIR) / relative
    for entry in (in_delivery, *in_delivery.parents):
        if refused and entry.as_posix() in refused:
            rule, why = refused[entry.as_posix()]
            return None, rule, f"audio_file {audio_file!r} was not taken in: {why}"
    if candidate.is_symlink() and not candidate.resolve().is_relative_to(snapshot.resolve()):
        return None, "audio_path_unsafe", f"audio_file {audio_file!r} is a link to outside the delivery"
    if not candidate.is_file():
        return None, "audio_missing", f"audio_file {audio_file!r}: no such file under {AUDIO_DIR}/"
    return in_delivery.as_posix(), None, None
