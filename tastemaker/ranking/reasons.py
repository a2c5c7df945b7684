"""Why a pitch: the evidence that raised its score most, in words a label manager can check.

The reasons of a model pitch are its evidence groups (`ranking.contributions`) ordered by how much
each added to the score, the largest first: the first reason is always the model's main reason,
and later ones are given only when they also raised the score. Each names the facts behind it (the
track the pitch sounds like, the playlist's usual tempo, the genres) and the share of the score it
carried, so a curator can be told what the model saw and a reviewer can check it. Exploration picks
are random by design and get no model reasons (see `pipelines.publish`).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from tastemaker.ranking.contributions import GROUPS

MAX_REASONS = 3
TEMPO_TOLERANCE = 0.06
MODE_MAJORITY = 0.6
GROUP_LABELS = {
    "sound_space": "learned sound match",
    "sounds_like": "sounds like",
    "sound_profile": "sound profile",
    "genre": "genre",
    "artist_reach": "artist reach",
    "playlist": "playlist",
}


def cited_group(reason: str) -> str | None:
    """The evidence group a reason string cites (its label before the first colon)."""
    label = reason.split(":", 1)[0]
    return next((group for group, name in GROUP_LABELS.items() if name == label), None)


def explain(
    pitches: pd.DataFrame,
    explained: pd.DataFrame,
    catalog: pd.DataFrame,
    playlists: pd.DataFrame,
    placed: pd.DataFrame,
    tags: pd.DataFrame,
) -> pd.Series:
    """One JSON list of reason strings per pitch; `explained` is `scoring.explain_pairs` of the pitches."""
    contributions = explained[[f"c_{group}" for group in GROUPS]].to_numpy(dtype=float)
    order = np.argsort(-contributions, axis=1, kind="stable")
    texts = {
        "sound_space": _sound_space(explained),
        "sounds_like": _sounds_like(explained, catalog),
        "sound_profile": _sound_profile(pitches, explained, placed, tags),
        "genre": _genre(pitches, catalog, playlists),
        "artist_reach": _artist_reach(explained),
        "playlist": _playlist(explained),
    }
    reasons = []
    for row in range(len(pitches)):
        chosen = [
            column
            for rank, column in enumerate(order[row])
            if rank == 0 or (rank < MAX_REASONS and contributions[row, column] > 0)
        ]
        reasons.append(
            json.dumps(
                [
                    f"{GROUP_LABELS[GROUPS[column]]}: {texts[GROUPS[column]][row]} "
                    f"({contributions[row, column]:+.2f} to the score)"
                    for column in chosen
                ]
            )
        )
    return pd.Series(reasons, index=pitches.index, name="reasons", dtype=object)


def _sound_space(explained: pd.DataFrame) -> list[str]:
    return [
        f"audiences of this playlist took to tracks with this sound (predicted affinity {value:.2f})"
        if np.isfinite(value)
        else "too few placements yet to learn what this playlist's audience likes"
        for value in explained["sound_affinity"].to_numpy(dtype=float)
    ]


def _sounds_like(explained: pd.DataFrame, catalog: pd.DataFrame) -> list[str]:
    titles = catalog.drop_duplicates("isrc").set_index("isrc")[["title", "artist_name"]]
    nearest = titles.reindex(explained["nearest_isrc"])
    found = []
    for title, artist, similarity, engagement in zip(
        nearest["title"],
        nearest["artist_name"],
        explained["nearest_placed_similarity"],
        explained["nearest_placed_engagement"],
    ):
        found.append(
            f"'{title}' by {artist}, which this playlist played (closeness {similarity:.2f} in the "
            f"learned sound space, engagement {engagement:.0%} there)"
            if isinstance(title, str)
            else "no track this playlist played sounds close yet"
        )
    return found


def _sound_profile(pitches, explained, placed, tags) -> list[str]:
    cosine = explained["cosine_to_profile"].to_numpy(dtype=float)
    history = explained["playlist_history_tracks"].to_numpy(dtype=float)
    base = [
        f"cosine {value:.2f} to the mean sound of its {count:.0f} tracks"
        if np.isfinite(value) and count > 0
        else "the playlist has no sound profile yet"
        for value, count in zip(cosine, history)
    ]
    tempo, mode = _matching_attributes(pitches, placed, tags)
    return ["; ".join(part for part in parts if part) for parts in zip(base, tempo, mode)]


def _matching_attributes(pitches, placed, tags) -> tuple[list[str | None], list[str | None]]:
    """Tempo within a few percent of the playlist's median, and the mode most of its tracks share."""
    nothing = [None] * len(pitches)
    if tags.empty:
        return nothing, nothing
    usual = placed[["isrc", "playlist_id"]].merge(tags[["isrc", "bpm", "mode"]], on="isrc")
    typical_bpm = usual.groupby("playlist_id")["bpm"].median()
    mode_share = usual.groupby(["playlist_id", "mode"]).size() / usual.groupby("playlist_id").size()
    own = pitches[["isrc", "playlist_id"]].merge(tags[["isrc", "bpm", "mode"]], on="isrc", how="left")
    typical = own["playlist_id"].map(typical_bpm).to_numpy(dtype=float, na_value=np.nan)
    own_bpm = own["bpm"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        tempo_close = (typical > 0) & (np.abs(own_bpm - typical) / typical <= TEMPO_TOLERANCE)
    share = mode_share.reindex(pd.MultiIndex.from_frame(own[["playlist_id", "mode"]])).to_numpy(na_value=0.0)
    tempo = [
        f"tempo {bpm:.0f} BPM, like its usual {usual_bpm:.0f} BPM" if close else None
        for bpm, usual_bpm, close in zip(own_bpm, typical, tempo_close)
    ]
    mode = [
        f"{own_mode} mode, like {fraction:.0%} of it" if fraction >= MODE_MAJORITY else None
        for own_mode, fraction in zip(own["mode"], share)
    ]
    return tempo, mode


def _genre(pitches, catalog, playlists) -> list[str]:
    track_genre = (
        pitches["isrc"].map(catalog.drop_duplicates("isrc").set_index("isrc")["genre"]).astype(object)
    )
    playlist_genre = pitches["playlist_id"].map(playlists.set_index("playlist_id")["genre"]).astype(object)

    def named(genre) -> str:
        return genre if isinstance(genre, str) and genre else "none given"

    return [
        f"{genre}, the playlist's genre"
        if named(genre) == named(other) != "none given"
        else f"the track's is {named(genre)}, the playlist's {named(other)}"
        for genre, other in zip(track_genre, playlist_genre)
    ]


def _artist_reach(explained: pd.DataFrame) -> list[str]:
    return [
        f"{np.expm1(value):,.0f} streams of the artist's tracks so far"
        for value in explained["artist_popularity"].to_numpy(dtype=float)
    ]


def _playlist(explained: pd.DataFrame) -> list[str]:
    followers = np.expm1(explained["playlist_log_followers"].to_numpy(dtype=float))
    history = explained["playlist_history_tracks"].to_numpy(dtype=float)
    engagement = explained["playlist_mean_engagement"].to_numpy(dtype=float)
    return [
        f"{count:,.0f} followers, {tracks:.0f} tracks placed"
        + (f", mean engagement {mean:.0%}" if np.isfinite(mean) else "")
        for count, tracks, mean in zip(followers, history, engagement)
    ]
