"""What the deep tagger's 50 tags mean to a catalog manager, and how its outputs are stored as columns.

MSD_musicnn's vocabulary is the Million Song Dataset's 50 most frequent Last.fm tags: genres at two
levels of detail, moods, a few instrumentation and vocal tags, and decades. Grouping them lets each
place that shows tags (auto-tags, the pitch sheet, `tastemaker tags`) say "genre: electronic 0.62"
rather than list 50 numbers. This module reads only the tag list: no model is loaded.
"""

from __future__ import annotations

import re

import pandas as pd

TAG_PREFIX = "deep_tag_"
EMBEDDING_PREFIX = "deep_emb_"

# Each tag's group; sub-styles name their parent genre so the pitch sheet can pair them.
GENRES = (
    "rock",
    "pop",
    "electronic",
    "dance",
    "jazz",
    "metal",
    "soul",
    "folk",
    "punk",
    "blues",
    "ambient",
    "Hip-Hop",
    "country",
    "funk",
    "rnb",
    "House",
    "alternative",
    "indie",
    "experimental",
    "easy listening",
)
SUB_STYLES = {
    "alternative rock": "rock",
    "classic rock": "rock",
    "indie rock": "rock",
    "hard rock": "rock",
    "Progressive rock": "rock",
    "heavy metal": "metal",
    "indie pop": "pop",
    "electronica": "electronic",
    "electro": "electronic",
    "chillout": "electronic",
}
MOODS = ("happy", "sad", "beautiful", "Mellow", "chill", "party", "sexy", "catchy")
INSTRUMENTS = ("guitar", "acoustic")
VOCAL_TAGS = ("female vocalists", "female vocalist", "male vocalists")
INSTRUMENTAL_TAG = "instrumental"
ERAS = ("60s", "70s", "80s", "90s", "00s", "oldies")


_DISPLAY = {"rnb": "r&b"}


def display_name(tag: str) -> str:
    """How a tag reads on a sheet: lower case, as pitch forms list genres ("hip-hop", "r&b")."""
    return _DISPLAY.get(tag, tag.lower())


def tag_column(tag: str) -> str:
    """The column of one tag's probability: `deep_tag_` and the tag in lower snake case."""
    return TAG_PREFIX + re.sub(r"[^a-z0-9]+", "_", tag.lower()).strip("_")


def tag_columns(tags: list[str]) -> list[str]:
    return [tag_column(tag) for tag in tags]


def embedding_columns(size: int) -> list[str]:
    return [f"{EMBEDDING_PREFIX}{i:03d}" for i in range(size)]


def ranked(deep_tags: pd.Series, tags: tuple[str, ...] | list[str], n: int) -> list[tuple[str, float]]:
    """The n most probable of `tags` in one track's row of deep-tag probabilities: (tag, probability)."""
    present = [(tag, float(deep_tags[tag_column(tag)])) for tag in tags if tag_column(tag) in deep_tags.index]
    return sorted(present, key=lambda pair: -pair[1])[:n]


def vocals(deep_tags: pd.Series) -> tuple[str, float]:
    """("vocal" | "instrumental", confidence in 0.5..1): the likelier of the two, by the share of the
    strongest vocal tag's probability against the instrumental tag's."""
    vocal = max((p for _, p in ranked(deep_tags, VOCAL_TAGS, 1)), default=0.0)
    instrumental = float(deep_tags.get(tag_column(INSTRUMENTAL_TAG), 0.0))
    total = vocal + instrumental
    if total <= 0:
        return "instrumental", 0.5
    return ("vocal", vocal / total) if vocal >= instrumental else ("instrumental", instrumental / total)


SUMMARY_GROUPS = {"genre": GENRES, "mood": MOODS, "instrument": INSTRUMENTS}
# The deep tagger's columns of the auto-tags table, after the hand-made ones.
SUMMARY_COLUMNS = (
    *(c for g in SUMMARY_GROUPS for c in (g, f"{g}_probability")),
    "vocals",
    "vocals_confidence",
)


def summary_tags(deep_tags: pd.DataFrame) -> pd.DataFrame:
    """Per track (isrc), the top genre, mood and instrument tag with its probability, and vocal or
    instrumental with its confidence: the deep columns of the auto-tags."""
    rows = []
    for _, row in deep_tags.set_index("isrc").iterrows():
        summary: dict[str, object] = {"isrc": row.name}
        for group, tags in SUMMARY_GROUPS.items():
            ((tag, probability),) = ranked(row, tags, 1) or [(None, float("nan"))]
            summary[group], summary[f"{group}_probability"] = tag, probability
        summary["vocals"], summary["vocals_confidence"] = vocals(row)
        rows.append(summary)
    return pd.DataFrame(rows, columns=["isrc", *SUMMARY_COLUMNS])
