"""Listening in the simulated market: which playlists carry which tracks, and the daily DSP reports.

Every number in a report is drawn from the hidden appeal of the (track, playlist) pair:
  streams/day  ~ Poisson(followers REACH (0.3 + 1.7 appeal) exp(-age / 45) position LogNormal(0, 0.35))
  skips        ~ Binomial(streams, (0.6 - 0.45 appeal) / reaction + noise)
  saves        ~ Binomial(streams - skips, (0.005 + 0.15 appeal^1.5) * reaction)
  listeners    ~ max(1, Binomial(streams, 0.95 - 0.3 appeal))   (loved tracks get replayed)
with position ~ LogNormal(0, 0.5) and reaction ~ LogNormal(0, 0.3) drawn once per placement,
so listeners, skips and saves never exceed streams. Streams outside playlists follow the
artist's popularity and the track's age, in its artist's home territory and a few others.
"""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import pandas as pd

from tastemaker.world.appeal import pair_appeal
from tastemaker.world.catalog import TERRITORIES

REACH = 0.01
CANDIDATE_PLAYLISTS = 64
REPORT_COLUMNS = ["date", "isrc", "playlist_id", "territory", "streams", "listeners", "skips", "saves"]


def as_days(dates) -> np.ndarray:
    return np.array([np.datetime64(d, "D") for d in dates], dtype="datetime64[D]")


def plan_curator_placements(
    tracks: pd.DataFrame,
    playlists: pd.DataFrame,
    first_day: dt.date,
    last_day: dt.date,
    placements_per_day: float,
    min_per_track: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Placements curators make on their own between `first_day` and `last_day`.

    A curator mostly picks tracks that fit its taste but sometimes takes a chance on a poor
    fit (weight 0.1 + appeal), so the market also shows what failure looks like. Good fits
    stay longer on the playlist.
    """
    release = as_days(tracks["release_date"])
    first, last = np.datetime64(first_day, "D"), np.datetime64(last_day, "D")
    eligible = np.flatnonzero(release <= last)
    active_from = np.maximum(release[eligible], first)
    active_days = (last - active_from).astype(int) + 1
    counts = np.maximum(rng.poisson(placements_per_day * active_days), min_per_track)
    counts = np.minimum(counts, min(CANDIDATE_PLAYLISTS, len(playlists)))

    rows_track, rows_playlist = [], []
    for chunk in np.array_split(np.arange(len(eligible)), max(1, len(eligible) // 5_000)):
        chosen = _choose_playlists(tracks, playlists, eligible[chunk], counts[chunk], rng)
        rows_track.append(np.repeat(eligible[chunk], counts[chunk]))
        rows_playlist.append(chosen)
    rows_track = np.concatenate(rows_track)
    rows_playlist = np.concatenate(rows_playlist)
    unique_pair = ~pd.DataFrame({"t": rows_track, "p": rows_playlist}).duplicated().to_numpy()
    rows_track, rows_playlist = rows_track[unique_pair], rows_playlist[unique_pair]

    appeal = pair_appeal(tracks.iloc[rows_track], playlists.iloc[rows_playlist])
    starts_from = np.maximum(release[rows_track], first)
    span = (last - starts_from).astype(int) + 1
    starts = starts_from + (rng.random(len(rows_track)) * span).astype(int)
    stays = 7 + rng.geometric(1 / (5 + 40 * appeal))
    return pd.DataFrame(
        {
            "isrc": tracks["isrc"].to_numpy()[rows_track],
            "playlist_id": playlists["playlist_id"].to_numpy()[rows_playlist],
            "start": starts,
            "end": starts + stays - 1,
            "appeal": appeal,
            "origin": "curator",
        }
    )


def _choose_playlists(tracks, playlists, track_rows, counts, rng) -> np.ndarray:
    """For each track, `count` distinct playlists drawn with weight 0.1 + appeal among candidates.

    Candidates are all playlists in small worlds and a random sample in large ones (drawn with
    replacement, so a rare duplicate pick is dropped by the caller).
    """
    n_playlists = len(playlists)
    if n_playlists <= CANDIDATE_PLAYLISTS:
        candidates = rng.permuted(np.tile(np.arange(n_playlists), (len(track_rows), 1)), axis=1)
    else:
        candidates = rng.integers(0, n_playlists, (len(track_rows), CANDIDATE_PLAYLISTS))
    width = candidates.shape[1]
    fit = pair_appeal(tracks.iloc[np.repeat(track_rows, width)], playlists.iloc[candidates.ravel()])
    keys = np.log(0.1 + fit.reshape(candidates.shape)) + rng.gumbel(size=candidates.shape)
    order = np.argsort(-keys, axis=1)  # Gumbel top-k: weighted sampling without replacement
    ranked = np.take_along_axis(candidates, order, axis=1)
    take = np.arange(width)[None, :] < counts[:, None]
    return ranked[take]


def simulate_reports(
    tracks: pd.DataFrame,
    playlists: pd.DataFrame,
    placements: pd.DataFrame,
    first_day: dt.date,
    last_day: dt.date,
    organic_territories: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """All report rows (REPORT_COLUMNS plus the `placement` row they come from, -1 if none)."""
    playlist_rows = _playlist_streams(tracks, playlists, placements, first_day, last_day, rng)
    organic_rows = _organic_streams(tracks, first_day, last_day, organic_territories, rng)
    reports = pd.concat([playlist_rows, organic_rows], ignore_index=True)
    return reports[reports["streams"] > 0].sort_values(
        ["date", "isrc", "playlist_id", "territory"], ignore_index=True
    )


def _playlist_streams(tracks, playlists, placements, first_day, last_day, rng) -> pd.DataFrame:
    first, last = np.datetime64(first_day, "D"), np.datetime64(last_day, "D")
    start = placements["start"].to_numpy().astype("datetime64[D]")
    end = placements["end"].to_numpy().astype("datetime64[D]")
    live_from, live_to = np.maximum(start, first), np.minimum(end, last)
    days_live = np.maximum((live_to - live_from).astype(int) + 1, 0)

    placement_of_row = np.repeat(np.arange(len(placements)), days_live)
    offset_in_run = np.arange(len(placement_of_row)) - np.repeat(np.cumsum(days_live) - days_live, days_live)
    dates = live_from[placement_of_row] + offset_in_run
    age = (dates - start[placement_of_row]).astype(int)
    appeal = placements["appeal"].to_numpy()[placement_of_row]
    playlist_info = playlists.set_index("playlist_id").loc[placements["playlist_id"].to_numpy()]
    followers = playlist_info["followers"].to_numpy(dtype=float)[placement_of_row]
    territory = playlist_info["territory"].to_numpy()[placement_of_row]

    # Where the curator slots the track and how its audience reacts that week: one draw per placement.
    position = rng.lognormal(0, 0.5, len(placements))[placement_of_row]
    reaction = rng.lognormal(0, 0.3, len(placements))[placement_of_row]
    expected = followers * REACH * (0.3 + 1.7 * appeal) * np.exp(-age / 45) * position
    streams = rng.poisson(expected * rng.lognormal(0, 0.35, len(expected)))
    skip_rate = np.clip((0.6 - 0.45 * appeal) / reaction + rng.normal(0, 0.04, len(appeal)), 0.02, 0.95)
    save_rate = np.clip((0.005 + 0.15 * appeal**1.5) * reaction, 0, 1)
    counts = _outcomes(streams, skip_rate, save_rate, listener_rate=0.95 - 0.3 * appeal, rng=rng)
    return pd.DataFrame(
        {
            "date": dates,
            "isrc": placements["isrc"].to_numpy()[placement_of_row],
            "playlist_id": placements["playlist_id"].to_numpy()[placement_of_row],
            "territory": territory,
            **counts,
            "placement": placement_of_row,
        }
    )


def _organic_streams(tracks, first_day, last_day, organic_territories, rng) -> pd.DataFrame:
    """Streams from search, radio and the artist's page, split over the track's territories."""
    first, last = np.datetime64(first_day, "D"), np.datetime64(last_day, "D")
    release = as_days(tracks["release_date"])
    live_from = np.maximum(release, first)
    days_live = np.maximum((last - live_from).astype(int) + 1, 0)
    track_of_day = np.repeat(np.arange(len(tracks)), days_live)
    offset = np.arange(len(track_of_day)) - np.repeat(np.cumsum(days_live) - days_live, days_live)
    dates = live_from[track_of_day] + offset
    age = (dates - release[track_of_day]).astype(int)
    popularity = tracks["artist_popularity"].to_numpy(dtype=float)[track_of_day]
    daily = 12 * popularity * (0.3 + np.exp(-age / 60))

    territories = organic_territory_table(tracks, organic_territories)
    frames = []
    for column, share in zip(territories.columns, _territory_shares(organic_territories)):
        streams = rng.poisson(daily * share * rng.lognormal(0, 0.3, len(daily)))
        skip_rate = np.clip(0.35 + rng.normal(0, 0.05, len(daily)), 0.05, 0.9)
        counts = _outcomes(streams, skip_rate, np.full(len(daily), 0.03), np.full(len(daily), 0.8), rng)
        frames.append(
            pd.DataFrame(
                {
                    "date": dates,
                    "isrc": tracks["isrc"].to_numpy()[track_of_day],
                    "playlist_id": "",
                    "territory": territories[column].to_numpy()[track_of_day],
                    **counts,
                    "placement": -1,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def organic_territory_table(tracks: pd.DataFrame, count: int) -> pd.DataFrame:
    """Home territory first, then others fixed by the ISRC, so they stay the same as time advances."""
    homes = tracks["home_territory"].to_numpy()
    columns = {"territory_0": homes}
    for k in range(1, count):
        picked = []
        for home, isrc in zip(homes, tracks["isrc"]):
            pool = [t for t in TERRITORIES if t != home]
            picked.append(pool[(zlib.crc32(isrc.encode()) + 7 * k) % len(pool)])
        columns[f"territory_{k}"] = np.array(picked)
    return pd.DataFrame(columns)


def _territory_shares(count: int) -> list[float]:
    if count == 1:
        return [1.0]
    return [0.7] + [0.3 / (count - 1)] * (count - 1)


def _outcomes(streams, skip_rate, save_rate, listener_rate, rng) -> dict[str, np.ndarray]:
    skips = rng.binomial(streams, skip_rate)
    saves = rng.binomial(streams - skips, save_rate)
    listeners = np.where(streams > 0, np.maximum(1, rng.binomial(streams, listener_rate)), 0)
    return {"streams": streams, "listeners": listeners, "skips": skips, "saves": saves}
