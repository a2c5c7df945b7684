"""Build a world's catalog around a folder of real audio files (a user's own catalog).

Titles, artists, ISRCs, dates and genres come from the files' tags, falling back to file and
folder names; styles are measured from the audio. A file without title or artist tags is kept
under its file name and reported, never dropped: the user should see what to fix.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile as sf
import soxr

from tastemaker.errors import UserError
from tastemaker.tags import UnreadableAudioError, read_tags
from tastemaker.world.appeal import STYLE_UNITS
from tastemaker.world.catalog import LABELS, TERRITORIES, scene_names
from tastemaker.world.measure import ANALYSIS_RATE, measure_style
from tastemaker.world.styles import CONTINUOUS_STYLE, genre_table, substyle_table

# Communities the artists of a user's catalog are spread over.
SCENES = 4

AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".oga", ".mp3", ".aif", ".aiff"}
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
MEASURED_SECONDS = 60
UNKNOWN_ARTIST = "Unknown Artist"


def catalog_from_audio(source: Path, audio_out: Path, rng: np.random.Generator, progress=None):
    """(artists, tracks, untagged file names) for the files under `source`, copied to `audio_out`."""
    files = sorted(p for p in source.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file())
    if not files:
        raise UserError(f"no audio files ({', '.join(sorted(AUDIO_SUFFIXES))}) under {source}")
    rows, untagged = [], []
    for done, path in enumerate(files, start=1):
        relative = path.relative_to(source).as_posix()
        row = _describe(path, source, rng)
        row["audio_file"] = relative
        if row.pop("missing_tags"):
            untagged.append(relative)
        rows.append(row)
        target = audio_out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        if progress:
            progress("measuring audio", done, len(files))
    tracks = pd.DataFrame(rows)
    tracks["isrc"] = _unique_isrcs(tracks["isrc"], tracks["release_date"])
    artists = _artists_from_tracks(tracks, rng)
    from_artist = ["artist_name", "artist_id", "substyle", "scene", "popularity", "home_territory"]
    tracks = tracks.drop(columns="substyle").merge(artists[[*from_artist, "label_index"]], on="artist_name")
    tracks = tracks.rename(columns={"popularity": "artist_popularity"})
    tracks["label"] = [LABELS[i][0] for i in tracks["label_index"]]
    return artists, tracks.drop(columns="label_index"), untagged


def _describe(path: Path, source: Path, rng: np.random.Generator) -> dict:
    try:
        tags = read_tags(path)
        info = sf.info(path)
        samples, rate = sf.read(
            path, frames=MEASURED_SECONDS * info.samplerate, dtype="float32", always_2d=True
        )
    except (UnreadableAudioError, sf.LibsndfileError, RuntimeError) as error:
        raise UserError(f"cannot read audio file {path}: {error}") from error
    mono = soxr.resample(samples.mean(axis=1), rate, ANALYSIS_RATE)
    style = measure_style(mono, ANALYSIS_RATE)
    folder_artist = path.parent.name if path.parent != source else None
    return {
        "isrc": (tags.isrc or "").upper().replace("-", ""),
        "title": tags.title or _title_from_file_name(path),
        "artist_name": tags.artist or folder_artist or UNKNOWN_ARTIST,
        "genre": _genre(tags.genre, style),
        "catalog_genre": (tags.genre or "").strip(),
        "substyle": _nearest_substyle(style),
        "release_date": _release_date(tags.date, rng),
        "duration_s": round(info.duration, 2),
        **style,
        "container": info.format,
        "subtype": info.subtype,
        "extension": path.suffix.lower().lstrip("."),
        "sample_rate": info.samplerate,
        "channels": info.channels,
        "missing_tags": tags.title is None or tags.artist is None,
    }


def _title_from_file_name(path: Path) -> str:
    """ "03_my-song" -> "my song": drop a leading track number and turn separators into spaces."""
    text = re.sub(r"^\d+\s*[-_. ]\s*", "", path.stem)
    return re.sub(r"[_-]+", " ", text).strip() or path.stem


def _genre(tagged: str | None, style: dict) -> str:
    """The tagged genre when the simulator knows it, else the genre whose sound is nearest."""
    genres = genre_table()
    if tagged and tagged.strip().lower() in genres.index:
        return tagged.strip().lower()
    distance = sum(((genres[c] - style[c]) / STYLE_UNITS[c]) ** 2 for c in CONTINUOUS_STYLE)
    return str(distance.idxmin())


def _nearest_substyle(style: dict) -> str:
    table = substyle_table()
    distance = sum(((table[c] - style[c]) / STYLE_UNITS[c]) ** 2 for c in CONTINUOUS_STYLE)
    return str(distance.idxmin())


def _release_date(tagged: str | None, rng: np.random.Generator) -> dt.date:
    """The tagged date (YYYY-MM-DD or just a year), else a plausible back-catalogue date."""
    if tagged:
        match = re.match(r"^(\d{4})(?:-(\d{2})-(\d{2}))?", tagged)
        if match:
            year, month, day = match.groups()
            try:
                return dt.date(int(year), int(month or 1), int(day or 1))
            except ValueError:
                pass
    return dt.date(2023, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3 * 365)))


def _unique_isrcs(tagged: pd.Series, dates: pd.Series) -> list[str]:
    """Keep valid, unique tagged ISRCs; give the others a code in the simulator's own range."""
    seen: set[str] = set()
    codes = []
    for serial, (code, date) in enumerate(zip(tagged, dates), start=1):
        if not ISRC.match(code) or code in seen:
            code = f"ZZTMW{date.year % 100:02d}{serial:05d}"
        seen.add(code)
        codes.append(code)
    return codes


def _artists_from_tracks(tracks: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One artist per distinct name; the style centre is the mean of its measured tracks."""
    grouped = tracks.groupby("artist_name", sort=True)
    artists = grouped[list(CONTINUOUS_STYLE)].mean().reset_index()
    count = len(artists)
    artists.insert(0, "artist_id", [f"AR{i + 1:05d}" for i in range(count)])
    artists["genre"] = grouped["genre"].agg(lambda g: g.mode().iloc[0]).to_numpy()
    artists["substyle"] = grouped["substyle"].agg(lambda g: g.mode().iloc[0]).to_numpy()
    artists["scene"] = rng.choice(scene_names(SCENES), count)
    artists["popularity"] = np.exp(rng.normal(0.0, 0.8, count)).round(4)
    artists["home_territory"] = rng.choice(TERRITORIES, count)
    artists["label_index"] = rng.integers(0, len(LABELS), count)
    artists["major_share"] = grouped["mode"].agg(lambda m: (m == "major").mean()).clip(0.05, 0.95).to_numpy()
    artists["home_key"] = grouped["key"].agg(lambda k: k.mode().iloc[0]).to_numpy()
    return artists
