"""What a page or an API answer shows of a pitch, built once for both from the publication and the catalog.

The published score is a LambdaRank margin: only its order means anything, and half of them are
negative. People get its percentile among the run's model picks instead ("top 8%"), and a
random exploration pick says that it is one, with no fit at all: the model did not choose it.
Control pairs are published to be held back; they are never offered as something to pitch.
"""

from __future__ import annotations

import datetime as dt

from tastemaker.portal.catalog import Catalog
from tastemaker.portal.publication import PublicationReader

EXPLORATION_NOTE = (
    "Random pick: drawn at random among the eligible playlists to measure what the model's "
    "choices add. Pitch it like the others; its fit is not a model judgement."
)
CONTROL_NOTE = "Held back at random as the control group: do not pitch (the effect is measured against it)."


def pitch_kind(pitch: dict) -> str:
    if pitch["is_control"]:
        return "control"
    return "explore" if pitch["is_explore"] else "model"


def fit_label(percentile: int) -> str:
    """A percentile as people read it: 'top 5%' for the 95th, never 'top 0%'."""
    return f"top {max(1, 100 - percentile)}%"


def pitch_view(pitch: dict, catalog: Catalog, reader: PublicationReader, status: dict | None) -> dict:
    playlist = catalog.playlists.get(pitch["playlist_id"])
    track = catalog.tracks.get(pitch["isrc"])
    kind = pitch_kind(pitch)
    release = track.release_date if track else None
    percentile = None if kind == "explore" else reader.fit_percentile(pitch["run_date"], pitch["score"])
    low, high = pitch["expected_streams_low"], pitch["expected_streams_high"]
    reasons = pitch["reasons"]
    if kind == "explore":  # the publication's own explanation of the random slot; the note says it better
        reasons = [reason for reason in reasons if not reason.startswith("exploration:")]
    return {
        "run_date": pitch["run_date"].isoformat(),
        "rank": pitch["rank"],
        "kind": kind,
        "artist_name": pitch["artist_name"],
        "isrc": pitch["isrc"],
        "track_title": pitch["track_title"],
        "playlist_id": pitch["playlist_id"],
        "playlist_name": pitch["playlist_name"],
        "territory": playlist.territory if playlist else "",
        "followers": playlist.followers if playlist else None,
        "curator": playlist.curator if playlist else "",
        "reasons": reasons,
        "note": {"explore": EXPLORATION_NOTE, "control": CONTROL_NOTE}.get(kind, ""),
        "fit_percentile": percentile,
        "fit": fit_label(percentile) if percentile is not None else "random pick",
        "expected_streams": None if low is None or high is None else {"low": int(low), "high": int(high)},
        "release_date": release.isoformat() if release else None,
        "unreleased": bool(release and release > pitch["run_date"]),
        "status": status["status"] if status else None,
        "status_note": status["note"] if status else "",
        "status_by": status["email"] if status else "",
        "status_at": _moment(status["at"]) if status else "",
    }


def status_index(statuses: list[dict]) -> dict[tuple[str, int], dict]:
    """Latest statuses keyed by (run date, rank), the key a pitch has inside one artist."""
    return {(row["run_date"].isoformat(), row["rank"]): row for row in statuses}


def artist_pitches(
    reader: PublicationReader, catalog: Catalog, artist_id: str, run_date: dt.date, statuses: list[dict]
) -> list[dict]:
    marked = status_index(statuses)
    return [
        pitch_view(pitch, catalog, reader, marked.get((run_date.isoformat(), pitch["rank"])))
        for pitch in reader.pitches(artist_id, run_date)
    ]


def _moment(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
