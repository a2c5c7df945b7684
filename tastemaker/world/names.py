"""Made-up but plausible names, so the demo reads like a label's catalog rather than a table of ids."""

from __future__ import annotations

import re

import numpy as np

_FIRST = (
    "Ava",
    "Noah",
    "Mila",
    "Luca",
    "Zoe",
    "Omar",
    "Ines",
    "Kai",
    "Lena",
    "Theo",
    "Yara",
    "Ravi",
    "Nina",
    "Jonas",
    "Amara",
    "Felix",
    "Sade",
    "Hugo",
    "Iris",
    "Malik",
    "Rosa",
    "Emil",
    "Tara",
    "Joel",
)
_LAST = (
    "Vale",
    "Moreno",
    "Okafor",
    "Lind",
    "Kato",
    "Duval",
    "Brandt",
    "Silva",
    "Novak",
    "Reyes",
    "Holm",
    "Adeyemi",
    "Fischer",
    "Costa",
    "Ward",
    "Ibsen",
    "Mensah",
    "Lopez",
    "Berg",
    "Tanaka",
)
_BAND_ADJ = (
    "Velvet",
    "Neon",
    "Hollow",
    "Paper",
    "Silver",
    "Quiet",
    "Electric",
    "Golden",
    "Wild",
    "Lunar",
    "Crimson",
    "Distant",
    "Glass",
    "Midnight",
    "Northern",
    "Static",
)
_BAND_NOUN = (
    "Harbors",
    "Engines",
    "Foxes",
    "Satellites",
    "Rivers",
    "Echoes",
    "Pilots",
    "Gardens",
    "Tides",
    "Signals",
    "Orchards",
    "Comets",
    "Lanterns",
    "Wolves",
    "Deserts",
    "Machines",
)
_TITLE_WORDS = (
    "Summer",
    "Static",
    "Gravity",
    "Honey",
    "Ghost",
    "Paper",
    "Sunday",
    "Fever",
    "Ocean",
    "Signal",
    "Golden",
    "Motion",
    "Silence",
    "Wildfire",
    "Midnight",
    "Echo",
    "Velvet",
    "Runaway",
    "Mirror",
    "Northern",
    "Lights",
    "Heartbeat",
    "Desert",
    "Parade",
    "Satellite",
    "Shadows",
    "Bloom",
    "Tides",
)
_PLAYLIST_MOOD = (
    "Chill",
    "Fresh",
    "Late Night",
    "Morning",
    "Deep",
    "Hot",
    "Indie",
    "Focus",
    "Weekend",
    "Rainy Day",
    "Workout",
    "Sunset",
    "New",
    "Essential",
    "Underground",
    "Golden Hour",
)
_MOOD_NOUNS = ("Vibes", "Mix", "Sessions", "Moods", "Feels", "Radar")
_CURATORS = (
    "Tastemaker Editorial",
    "Nightbird Media",
    "Sofa Sessions",
    "Groove Council",
    "Low Tide Radio",
    "Open Road Lists",
    "Blue Room",
    "The Crate",
    "Signal Hill",
    "Sunday Club",
    "Wavefront",
    "Offbeat",
)


def artist_names(count: int, rng: np.random.Generator) -> list[str]:
    """Distinct artist names: half solo artists, half band names, numbered if the pools run out."""
    names: list[str] = []
    seen: set[str] = set()
    for _ in range(count):
        if rng.random() < 0.5:
            name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        else:
            name = f"The {rng.choice(_BAND_ADJ)} {rng.choice(_BAND_NOUN)}"
        base, suffix = name, 2
        while name in seen:
            name, suffix = f"{base} {suffix}", suffix + 1
        seen.add(name)
        names.append(name)
    return names


def track_titles(count: int, rng: np.random.Generator) -> list[str]:
    """Song titles of one or two words; repeats are fine, as in real catalogs."""
    first = rng.choice(_TITLE_WORDS, count)
    second = rng.choice(_TITLE_WORDS, count)
    two_words = rng.random(count) < 0.6
    return [f"{a} {b}" if both and a != b else str(a) for a, b, both in zip(first, second, two_words)]


def playlist_names(genres: list[str], rng: np.random.Generator) -> list[str]:
    """Playlist names built from a mood and the playlist's main genre ("" for a mood playlist)."""
    moods = rng.choice(_PLAYLIST_MOOD, len(genres))
    nouns = rng.choice(_MOOD_NOUNS, len(genres))
    return [f"{mood} {genre.title() if genre else noun}" for mood, genre, noun in zip(moods, genres, nouns)]


def curator_names(count: int, rng: np.random.Generator) -> list[str]:
    return [str(name) for name in rng.choice(_CURATORS, count)]


def slug(text: str) -> str:
    """A file-system friendly form of a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
