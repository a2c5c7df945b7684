"""Move a world forward in time, letting curators react to the platform's published pitches.

Each advance adds new releases (with audio), new daily reports, and turns pitches into
placements: a pitched (isrc, playlist) is accepted with probability
    appeal * (0.4 + 0.6 * openness) * acceptance_by_size(followers)
so good fits, open curators and small playlists say yes more often, and a playlist accepts at
most its capacity (a few tracks per 30 days). Playlists live on meanwhile: tastes drift,
audiences grow or shrink, fraudulent ones buy more followers, some close and new ones open.
Rows marked `is_control` are never pitched:
they are the randomized control a later lift estimate compares against. The truth folder keeps
every pitch with whether it was made and accepted, and the streams and saves it caused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tastemaker.errors import UserError
from tastemaker.world import landing as landing_zone
from tastemaker.world import truth as hidden
from tastemaker.world.appeal import pair_appeal
from tastemaker.world.audio_files import write_track_files
from tastemaker.world.catalog import make_tracks
from tastemaker.world.curators import (
    acceptance_by_size,
    active_on,
    capacity_per_month,
    tastes_at,
)
from tastemaker.world.listening import (
    PLACEMENT_RATE_DAYS,
    placement_rows,
    plan_curator_placements,
    simulate_reports,
)
from tastemaker.world.presets import PRESETS

PUBLICATION_COLUMNS = ("run_date", "artist_id", "rank", "isrc", "playlist_id", "score", "is_control")
# New releases per day, relative to the size of the initial catalog (about a third of it per year).
RELEASES_PER_TRACK_PER_DAY = 1 / (3 * 365)
# Daily chance that a fraudulent playlist buys another batch of followers.
FOLLOWER_PURCHASES_PER_DAY = 1 / 60


@dataclass(frozen=True)
class AdvanceSummary:
    days: int
    today: dt.date
    new_tracks: int
    stream_rows: int
    pitched: int
    accepted: int


def advance_world(
    landing: Path, days: int, publication: Path | None = None, seed: int | None = None
) -> AdvanceSummary:
    """Append `days` more days to the world at `landing` (same inputs, same result)."""
    landing = Path(landing)
    truth = hidden.truth_dir_for(landing)
    if not hidden.is_world(landing):
        raise UserError(f"{landing} is not a generated world (no {truth / 'world.json'})")
    if days < 1:
        raise UserError(f"--days must be at least 1, got {days}")
    # Read the publication before touching anything, so a bad file leaves the world as it was.
    pitches = _read_publication(Path(publication)) if publication else _empty_publication()
    state = hidden.read_state(truth)
    settings = PRESETS[state.preset]
    tables = hidden.read_tables(truth)
    tracks, playlists, placements = tables["tracks"], tables["playlists"], tables["placements"]
    rng = np.random.default_rng([state.seed if seed is None else seed, 1, state.advances + 1])
    first_day = dt.date.fromisoformat(state.today) + dt.timedelta(days=1)
    today = first_day + dt.timedelta(days=days - 1)

    new_tracks = _new_releases(tables["artists"], len(tracks), days, first_day, today, state, rng)
    if len(new_tracks) and settings.track_seconds > 0:
        write_track_files(new_tracks, landing / "audio", state.seed)
    tracks = pd.concat([tracks, new_tracks[tracks.columns]], ignore_index=True)
    playlists = _age_playlists(playlists, days, first_day, settings.closing_share / PLACEMENT_RATE_DAYS, rng)

    pitches, pitched_placements = _curators_answer(pitches, tracks, playlists, first_day, days, rng)
    curator_placements = plan_curator_placements(
        tracks,
        playlists,
        first_day,
        today,
        today,
        campaigns_per_day=settings.campaigns_per_track / PLACEMENT_RATE_DAYS,
        rng=rng,
    )
    new_placements = pd.concat([pitched_placements, curator_placements], ignore_index=True)
    everything = pd.concat([placements.drop(columns="streams"), new_placements], ignore_index=True)
    reports = simulate_reports(
        tracks, playlists, everything, first_day, today, today, settings.organic_territories, rng
    )

    realised = reports[reports["placement"] >= 0].groupby("placement")[["streams", "saves"]].sum()
    realised = realised.reindex(np.arange(len(everything)), fill_value=0)
    everything["streams"] = np.concatenate(
        [placements["streams"].to_numpy(), np.zeros(len(new_placements), int)]
    )
    everything["streams"] += realised["streams"].to_numpy()
    pitch_rows = len(placements) + np.arange(len(pitched_placements))
    pitches = _record_lift(pitches, pitch_rows, realised, state.advances + 1)

    landing_zone.write_catalog(landing, tracks)
    landing_zone.write_playlists(landing, playlists, today)
    stream_rows = landing_zone.write_reports(landing, reports)
    hidden.write_tables(truth, tables["artists"], tracks, playlists, everything, settings.write_full_appeal)
    if len(pitches):
        _append_pitches(truth, pitches)
    state.today = str(today)
    state.next_serial += len(new_tracks)
    state.advances += 1
    hidden.write_state(truth, state)
    return AdvanceSummary(
        days=days,
        today=today,
        new_tracks=len(new_tracks),
        stream_rows=stream_rows,
        pitched=int(pitches["pitched"].sum()),
        accepted=int(pitches["accepted"].sum()),
    )


def _new_releases(artists, catalog_size, days, first_day, today, state, rng) -> pd.DataFrame:
    """Tracks delivered during the advance: some out within it, some announced for later."""
    settings = PRESETS[state.preset]
    count = int(rng.poisson(catalog_size * RELEASES_PER_TRACK_PER_DAY * days))
    window = (first_day, today + dt.timedelta(days=30))
    return make_tracks(
        artists, count, settings, today, rng, first_serial=state.next_serial, release_window=window
    )


def _age_playlists(playlists: pd.DataFrame, days: int, first_day: dt.date, closing_per_day: float, rng):
    """Playlists `days` later: tastes drifted, audiences grown or shrunk, some closed, more bought."""
    aged = tastes_at(playlists, days)
    growth = np.exp(aged["follower_growth"].to_numpy() * days / 365)
    real = np.maximum(1, np.round(aged["real_followers"].to_numpy() * growth)).astype(np.int64)
    bought = (aged["followers"] - aged["real_followers"]).to_numpy() * growth
    buys = aged["is_fraud"].to_numpy(dtype=bool) & (rng.random(len(aged)) < days * FOLLOWER_PURCHASES_PER_DAY)
    bought = bought + buys * real * rng.uniform(2, 6, len(aged))
    aged["real_followers"] = real
    aged["followers"] = real + np.round(bought).astype(np.int64)

    start = np.datetime64(first_day, "D")
    living = active_on(aged, start) & aged["active_to"].isna().to_numpy()
    closes = living & (rng.random(len(aged)) < days * closing_per_day)
    closing_days = start + rng.integers(0, days, len(aged))
    aged["active_to"] = aged["active_to"].mask(closes, pd.to_datetime(closing_days))
    return aged


def _read_publication(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise UserError(f"publication file {path} not found")
    try:
        publication = pd.read_parquet(path)
    except (OSError, ValueError) as error:
        raise UserError(f"cannot read publication {path}: {error}") from error
    missing = [c for c in PUBLICATION_COLUMNS if c not in publication.columns]
    if missing:
        raise UserError(f"publication {path} lacks column(s) {', '.join(missing)}")
    return publication.reset_index(drop=True)


def _empty_publication() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in PUBLICATION_COLUMNS})


def _curators_answer(pitches, tracks, playlists, first_day, days, rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which pitches are made and accepted, and the placements the accepted ones become.

    A pitch to a playlist that no longer exists is made but never accepted; each playlist
    accepts at most its capacity for the advance, the first pitches it reads first.
    """
    pitches = pitches.copy()
    known = pitches["isrc"].isin(tracks["isrc"]) & pitches["playlist_id"].isin(playlists["playlist_id"])
    pitches["appeal"] = np.nan
    by_id = playlists.set_index("playlist_id")
    if known.any():
        pairs = pitches[known]
        pitches.loc[known, "appeal"] = pair_appeal(
            tracks.set_index("isrc").loc[pairs["isrc"]].reset_index(),
            by_id.loc[pairs["playlist_id"]].reset_index(),
        )
    is_control = pitches["is_control"].astype(bool).to_numpy()
    first_of_pair = ~pitches.duplicated(["isrc", "playlist_id"]).to_numpy()
    pitches["pitched"] = known.to_numpy() & ~is_control & first_of_pair & _marked_sent(pitches)
    target = by_id.reindex(pitches["playlist_id"])
    openness = target["openness"].fillna(0).to_numpy()
    size = acceptance_by_size(target["followers"].fillna(0).to_numpy())
    exists = known.to_numpy() & active_on(target, np.datetime64(first_day, "D"))
    chance = np.nan_to_num(pitches["appeal"].to_numpy(dtype=float)) * (0.4 + 0.6 * openness) * size
    willing = pitches["pitched"].to_numpy() & exists & (rng.random(len(pitches)) < chance)
    capacity = np.ceil(capacity_per_month(target["followers"].fillna(0).to_numpy()) * days / 30)
    rank_in_playlist = pd.Series(willing.astype(int)).groupby(pitches["playlist_id"].to_numpy()).cumsum()
    pitches["accepted"] = willing & (rank_in_playlist.to_numpy() <= capacity)

    accepted = pitches[pitches["accepted"]]
    release = pd.to_datetime(tracks.set_index("isrc").loc[accepted["isrc"], "release_date"]).to_numpy()
    earliest = np.maximum(np.datetime64(first_day, "D"), release.astype("datetime64[D]"))
    starts = earliest + rng.integers(0, 4, len(accepted))
    placements = placement_rows(
        accepted["isrc"].to_numpy(),
        by_id.loc[accepted["playlist_id"]].reset_index(),
        starts,
        accepted["appeal"].to_numpy(),
        "pitch",
        rng,
    )
    pitches["placement_start"] = pd.Series(starts, index=accepted.index).reindex(pitches.index)
    return pitches, placements


def _marked_sent(pitches: pd.DataFrame) -> np.ndarray:
    """A publication whose optional `status` column marks anything (`tastemaker portal export-statuses`)
    pitches only its rows marked `sent`; without marks, every published row is pitched."""
    if "status" not in pitches.columns or pitches["status"].isna().all():
        return np.ones(len(pitches), dtype=bool)
    return (pitches["status"] == "sent").to_numpy()


def _record_lift(pitches, pitch_rows, realised, advance_number) -> pd.DataFrame:
    """The true effect of each pitch: what its placement streamed; zero when nothing was placed."""
    pitches = pitches.copy()
    pitches["advance"] = advance_number
    pitches["lift_streams"] = 0
    pitches["lift_saves"] = 0
    accepted = pitches.index[pitches["accepted"]]
    pitches.loc[accepted, "lift_streams"] = realised["streams"].to_numpy()[pitch_rows]
    pitches.loc[accepted, "lift_saves"] = realised["saves"].to_numpy()[pitch_rows]
    return pitches


def _append_pitches(truth: Path, pitches: pd.DataFrame) -> None:
    path = truth / "pitches.parquet"
    if path.exists():
        pitches = pd.concat([pd.read_parquet(path), pitches], ignore_index=True)
    pitches.to_parquet(path, index=False)
