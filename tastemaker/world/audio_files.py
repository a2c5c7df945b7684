"""Write synthesized tracks as real, tagged audio files, reproducibly and in parallel."""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import soundfile as sf
from mutagen.ogg import OggPage

from tastemaker.tags import TrackTags, write_tags
from tastemaker.world.synth import render_track

STYLE_FIELDS = ("tempo_bpm", "key", "mode", "brightness", "percussiveness", "energy", "acousticness", "space")


def write_track_files(
    tracks: pd.DataFrame,
    audio_root: Path,
    seed: int,
    on_done: Callable[[], None] | None = None,
) -> None:
    """Render and write the audio file of every row of `tracks` (those with an `audio_file`).

    Each track's noise comes from (seed, ISRC), so a file's bytes do not depend on which worker
    wrote it or in what order.
    """
    jobs = [_job(row, audio_root, seed) for row in tracks.itertuples(index=False) if row.audio_file]
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers <= 1:
        for job in jobs:
            _write_one(job)
            if on_done:
                on_done()
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(_write_one, jobs, chunksize=2):
            if on_done:
                on_done()


def _job(row, audio_root: Path, seed: int) -> dict:
    return {
        "path": audio_root / row.audio_file,
        "style": {name: getattr(row, name) for name in STYLE_FIELDS},
        "seconds": float(row.duration_s),
        "sample_rate": int(row.sample_rate),
        "channels": int(row.channels),
        "container": row.container,
        "subtype": row.subtype,
        "seed": (seed, zlib.crc32(row.isrc.encode())),
        "tags": TrackTags(
            title=row.title,
            artist=row.artist_name,
            isrc=row.isrc,
            date=str(row.release_date),
            genre=row.catalog_genre or None,
        ),
    }


def _write_one(job: dict) -> None:
    path: Path = job["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = render_track(job["style"], job["seconds"], job["sample_rate"], job["channels"], job["seed"])
    sf.write(path, samples, job["sample_rate"], format=job["container"], subtype=job["subtype"])
    write_tags(path, job["tags"])
    if job["container"] == "OGG":
        fix_ogg_serial(path, serial=job["seed"][1])


def fix_ogg_serial(path: Path, serial: int) -> None:
    """Replace the random stream serial libvorbis picks with a fixed one, so the bytes repeat.

    mutagen's OggPage recomputes each page's checksum when it is written back.
    """
    with open(path, "rb") as handle:
        pages = []
        while handle.peek(1):
            pages.append(OggPage(handle))
    for page in pages:
        page.serial = serial
    path.write_bytes(b"".join(page.write() for page in pages))
