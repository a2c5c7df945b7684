"""Artists and tracks of the simulated label: who they are, how they sound, and how files are delivered."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tastemaker.world import names
from tastemaker.world.presets import WorldPreset
from tastemaker.world.styles import (
    GENRE_NAMES,
    sample_artist_styles,
    sample_substyles,
    sample_track_styles,
)

TERRITORIES = ("US", "GB", "DE", "FR", "BR", "MX", "SE", "JP", "NG", "AU")
LABELS = (
    ("Northside Records", "NSR"),
    ("Blue Lantern", "BL7"),
    ("Open Field Music", "OFM"),
    ("Kite Audio", "K1T"),
)

# (container, subtype, file extension, share of deliveries): the mix a distributor really receives.
DELIVERY_FORMATS = (
    ("WAV", "PCM_16", "wav", 0.2),
    ("WAV", "PCM_24", "wav", 0.1),
    ("FLAC", "PCM_16", "flac", 0.25),
    ("FLAC", "PCM_24", "flac", 0.2),
    ("OGG", "VORBIS", "ogg", 0.25),
)
SAMPLE_RATES = (44_100, 48_000)
MONO_SHARE = 0.2
# Spread of log artist popularity: wide enough that a few artists take most of the listening.
POPULARITY_SIGMA = 1.4


def scene_names(count: int) -> list[str]:
    """Names of the communities artists belong to (a city's circuit, a collective, a label family)."""
    return [f"scene-{i + 1:02d}" for i in range(count)]


def make_artists(preset: WorldPreset, rng: np.random.Generator) -> pd.DataFrame:
    """Artists with a genre, a sub-style, a scene, a hidden popularity and a style centre.

    Genres are dealt round-robin over a shuffled genre list, so even a tiny world spans
    several genres. The scene (the community an artist plays and is listened to in) is drawn
    independently of the sound: it is the part of taste that only co-listening reveals.
    """
    count = preset.artists
    genre_order = rng.permutation(len(GENRE_NAMES))
    genres = pd.Series([GENRE_NAMES[genre_order[i % len(GENRE_NAMES)]] for i in range(count)])
    substyles = pd.Series(sample_substyles(genres, rng))
    artists = pd.DataFrame(
        {
            "artist_id": [f"AR{i + 1:05d}" for i in range(count)],
            "artist_name": names.artist_names(count, rng),
            "genre": genres,
            "substyle": substyles,
            "scene": rng.choice(scene_names(preset.scenes), count),
            "popularity": np.exp(rng.normal(0.0, POPULARITY_SIGMA, count)).round(4),
            "home_territory": rng.choice(TERRITORIES, count),
            "label_index": rng.integers(0, len(LABELS), count),
        }
    )
    return pd.concat([artists, sample_artist_styles(substyles, rng)], axis=1)


def make_tracks(
    artists: pd.DataFrame,
    count: int,
    preset: WorldPreset,
    today: dt.date,
    rng: np.random.Generator,
    first_serial: int = 1,
    release_window: tuple[dt.date, dt.date] | None = None,
) -> pd.DataFrame:
    """Tracks with their true style, public metadata and delivery format.

    Every artist gets at least one track when `count` allows; the rest go to popular artists
    more often (in proportion to the square root of popularity: prolific and popular are related,
    not the same). Without `release_window`, most tracks are already out and a share comes out
    after `today`, and each artist's first track is released (so every artist has streams).
    """
    if count >= len(artists):
        weights = np.sqrt(artists["popularity"].to_numpy())
        weights = weights / weights.sum()
        extra = rng.choice(len(artists), count - len(artists), p=weights)
        artist_rows = np.sort(np.concatenate([np.arange(len(artists)), extra]))
    else:
        artist_rows = np.sort(rng.choice(len(artists), count, replace=False))
    owners = artists.iloc[artist_rows].reset_index(drop=True)
    styles = sample_track_styles(owners, rng)

    release_dates = (
        _dates_between(release_window, count, rng)
        if release_window
        else _release_dates(owners, preset, today, rng)
    )
    labels = [LABELS[i] for i in owners["label_index"]]
    serials = np.arange(first_serial, first_serial + count)
    isrcs = [
        f"{territory}{code}{date.year % 100:02d}{serial:05d}"
        for territory, (_, code), date, serial in zip(
            owners["home_territory"], labels, release_dates, serials
        )
    ]
    formats = _delivery_formats(count, rng)
    has_audio = preset.track_seconds > 0
    durations = (
        (preset.track_seconds + rng.uniform(0, 2, count)) if has_audio else rng.uniform(140, 300, count)
    )
    titles = names.track_titles(count, rng)
    audio_files = [
        f"{names.slug(artist)}/{isrc}-{names.slug(title)}.{ext}" if has_audio else ""
        for artist, isrc, title, ext in zip(owners["artist_name"], isrcs, titles, formats["extension"])
    ]
    tracks = pd.DataFrame(
        {
            "isrc": isrcs,
            "title": titles,
            "artist_id": owners["artist_id"],
            "artist_name": owners["artist_name"],
            "genre": owners["genre"],
            "catalog_genre": delivered_genres(owners["genre"], preset, rng),
            "substyle": owners["substyle"],
            "scene": owners["scene"],
            "release_date": release_dates,
            "label": [name for name, _ in labels],
            "duration_s": np.round(durations, 2),
            "audio_file": audio_files,
            "artist_popularity": owners["popularity"],
            "home_territory": owners["home_territory"],
        }
    )
    return pd.concat([tracks, styles.reset_index(drop=True), formats], axis=1)


def delivered_genres(genres: pd.Series, preset: WorldPreset, rng: np.random.Generator) -> np.ndarray:
    """The genre as the delivery states it: broad, empty for a share of tracks, wrong for another."""
    draw = rng.random(len(genres))
    others = [[g for g in GENRE_NAMES if g != genre] for genre in genres]
    wrong = np.array([pool[rng.integers(len(pool))] for pool in others], dtype=object)
    missing = draw < preset.genre_missing_share
    mistaken = ~missing & (draw < preset.genre_missing_share + preset.genre_wrong_share)
    return np.where(missing, "", np.where(mistaken, wrong, genres.to_numpy(dtype=object)))


def _release_dates(
    owners: pd.DataFrame, preset: WorldPreset, today: dt.date, rng: np.random.Generator
) -> list[dt.date]:
    """Back catalogue, releases inside the report window, and a few still to come."""
    count = len(owners)
    window_start = today - dt.timedelta(days=preset.report_days - 1)
    back_catalogue = _dates_between((today - dt.timedelta(days=3 * 365), window_start), count, rng)
    in_window = _dates_between((window_start, today - dt.timedelta(days=3)), count, rng)
    upcoming = _dates_between((today + dt.timedelta(days=1), today + dt.timedelta(days=60)), count, rng)
    dates = [back if rng.random() < 0.7 else recent for back, recent in zip(back_catalogue, in_window)]

    is_first_of_artist = ~owners["artist_id"].duplicated().to_numpy()
    candidates = np.flatnonzero(~is_first_of_artist)
    unreleased_count = min(len(candidates), max(1, round(preset.unreleased_share * count)))
    for row in rng.choice(candidates, unreleased_count, replace=False):
        dates[row] = upcoming[row]
    return dates


def _dates_between(window: tuple[dt.date, dt.date], count: int, rng: np.random.Generator) -> list[dt.date]:
    first, last = window
    offsets = rng.integers(0, (last - first).days + 1, count)
    return [first + dt.timedelta(days=int(offset)) for offset in offsets]


def _delivery_formats(count: int, rng: np.random.Generator) -> pd.DataFrame:
    shares = np.array([share for *_, share in DELIVERY_FORMATS])
    picks = rng.choice(len(DELIVERY_FORMATS), count, p=shares / shares.sum())
    return pd.DataFrame(
        {
            "container": [DELIVERY_FORMATS[i][0] for i in picks],
            "subtype": [DELIVERY_FORMATS[i][1] for i in picks],
            "extension": [DELIVERY_FORMATS[i][2] for i in picks],
            "sample_rate": rng.choice(SAMPLE_RATES, count),
            "channels": np.where(rng.random(count) < MONO_SHARE, 1, 2),
        }
    )
