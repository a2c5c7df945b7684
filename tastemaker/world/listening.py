"""Listening in the simulated market: which playlists carry which tracks, and the daily DSP reports.

Every human number in a report is drawn from the hidden appeal of the (track, playlist) pair:
  streams/day  ~ Poisson(audience REACH (0.3 + 1.7 appeal) exp(-age / 45) position LogNormal(0, 0.35))
  skips        ~ Binomial(streams, (0.6 - 0.45 appeal) / reaction + noise)
  saves        ~ Binomial(streams - skips, (0.005 + 0.15 appeal^1.5) * reaction)
  listeners    ~ max(1, Binomial(streams, 0.95 - 0.3 appeal))   (loved tracks get replayed)
with position ~ LogNormal(0, 0.5) and reaction ~ LogNormal(0, 0.3) drawn once per placement,
so listeners, skips and saves never exceed streams. The audience is the playlist's real
followers on that day, spread over its home territory and two others. Fraudulent playlists
add bot streams: a fixed rate per bought follower, a handful of accounts looping, almost no
skips or saves, all in one territory. Streams outside playlists follow the artist's popularity
and the track's age, in its artist's home territory and a few others.
"""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import pandas as pd

from tastemaker.world.appeal import pair_appeal
from tastemaker.world.catalog import TERRITORIES
from tastemaker.world.curators import acceptance_by_size, active_on, tastes_at

REACH = 0.01
BOT_REACH = 0.006
CANDIDATE_PLAYLISTS = 64
# A track's placements follow one push (release, a campaign, a viral moment): they start within
# CAMPAIGN_DAYS of it.
CAMPAIGN_DAYS = 21
# How a curator weighs a candidate: a fit counts appeal^PICK_POWER; PICK_FLOOR is the chance
# taken on a poor fit, so the market also shows what failure looks like.
PICK_POWER = 3
PICK_FLOOR = 0.01
# Pay-for-play playlists take whatever comes, fit or not.
FRAUD_PICK_WEIGHT = 0.15
# Campaigns grow with popularity: labels push their known artists, curators follow buzz.
POPULARITY_PULL = 1.2
# A campaign lands on 1 + Poisson(CAMPAIGN_DEPTH sqrt(popularity)) playlists.
CAMPAIGN_DEPTH = 2.5
PLAYLIST_TERRITORY_SHARES = (0.6, 0.25, 0.15)
# Presets state placement rates per this many days (see WorldPreset.placements_per_track).
PLACEMENT_RATE_DAYS = 120
REPORT_COLUMNS = ["date", "isrc", "playlist_id", "territory", "streams", "listeners", "skips", "saves"]


def as_days(dates) -> np.ndarray:
    return np.array([np.datetime64(d, "D") for d in dates], dtype="datetime64[D]")


def plan_curator_placements(
    tracks: pd.DataFrame,
    playlists: pd.DataFrame,
    first_day: dt.date,
    last_day: dt.date,
    today: dt.date,
    campaigns_per_day: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Placements curators make on their own between `first_day` and `last_day`.

    A track gets a campaign (at most one per call) at `campaigns_per_day` for a track of median
    popularity, more often the more popular its artist, so most tracks are never placed; a
    campaign lands on a few playlists, more for popular artists. Its placements start within
    CAMPAIGN_DAYS of one date, on playlists that exist
    then, chosen with weight acceptance_by_size x (PICK_FLOOR + appeal^PICK_POWER) under the
    taste the curator had then (`today` is the date the truth's taste columns describe).
    Good fits stay longer; a placement ends when its playlist closes.
    """
    release = as_days(tracks["release_date"])
    first, last = np.datetime64(first_day, "D"), np.datetime64(last_day, "D")
    eligible = np.flatnonzero(release <= last)
    active_from = np.maximum(release[eligible], first)
    active_days = (last - active_from).astype(int) + 1
    popularity = tracks["artist_popularity"].to_numpy(dtype=float)[eligible]
    chance = 1 - np.exp(-campaigns_per_day * active_days * popularity**POPULARITY_PULL)
    has_campaign = rng.random(len(eligible)) < chance
    counts = has_campaign * (1 + rng.poisson(CAMPAIGN_DEPTH * np.sqrt(popularity)))
    counts = np.minimum(counts, min(CANDIDATE_PLAYLISTS, len(playlists)))
    campaign = active_from + (rng.random(len(eligible)) * active_days).astype(int)
    placed = counts > 0
    eligible, counts, campaign = eligible[placed], counts[placed], campaign[placed]

    rows_track, rows_playlist, rows_campaign = [], [], []
    for chunk in np.array_split(np.arange(len(eligible)), max(1, len(eligible) // 5_000)):
        chosen, taken = _choose_playlists(
            tracks, playlists, eligible[chunk], counts[chunk], campaign[chunk], today, rng
        )
        rows_track.append(np.repeat(eligible[chunk], taken))
        rows_campaign.append(np.repeat(campaign[chunk], taken))
        rows_playlist.append(chosen)
    rows_track = np.concatenate(rows_track) if rows_track else np.zeros(0, int)
    rows_playlist = np.concatenate(rows_playlist) if rows_playlist else np.zeros(0, int)
    rows_campaign = np.concatenate(rows_campaign) if rows_campaign else np.zeros(0, "datetime64[D]")
    unique_pair = ~pd.DataFrame({"t": rows_track, "p": rows_playlist}).duplicated().to_numpy()
    rows_track, rows_playlist = rows_track[unique_pair], rows_playlist[unique_pair]
    rows_campaign = rows_campaign[unique_pair]

    starts = np.minimum(rows_campaign + rng.integers(0, CAMPAIGN_DAYS, len(rows_track)), last)
    chosen_playlists = playlists.iloc[rows_playlist]
    offsets = (starts - np.datetime64(today, "D")).astype(int)
    appeal = pair_appeal(tracks.iloc[rows_track], tastes_at(chosen_playlists, offsets))
    isrcs = tracks["isrc"].to_numpy()[rows_track]
    return placement_rows(isrcs, chosen_playlists, starts, appeal, "curator", rng)


def placement_rows(isrcs, playlists, starts, appeal, origin: str, rng) -> pd.DataFrame:
    """Placement rows (`playlists` aligned with `isrcs`).

    A placement stays a week at least and good fits much longer, and ends when its playlist
    closes if that comes first.
    """
    ends = starts + 7 + rng.geometric(1 / (5 + 40 * appeal)) - 1
    closes = playlists["active_to"].to_numpy().astype("datetime64[D]")
    ends = np.where(np.isnat(closes), ends, np.minimum(ends, closes))
    return pd.DataFrame(
        {
            "isrc": np.asarray(isrcs),
            "playlist_id": playlists["playlist_id"].to_numpy(),
            "start": starts,
            "end": ends,
            "appeal": appeal,
            "origin": origin,
        }
    )


def _choose_playlists(tracks, playlists, track_rows, counts, campaigns, today, rng):
    """(chosen playlist rows, how many each track got): up to `count` distinct playlists per track.

    Candidates are all playlists in small worlds and a random sample in large ones (drawn with
    replacement, so a rare duplicate pick is dropped by the caller); playlists that do not exist
    on the track's campaign date are never chosen.
    """
    n_playlists = len(playlists)
    if n_playlists <= CANDIDATE_PLAYLISTS:
        candidates = rng.permuted(np.tile(np.arange(n_playlists), (len(track_rows), 1)), axis=1)
    else:
        candidates = rng.integers(0, n_playlists, (len(track_rows), CANDIDATE_PLAYLISTS))
    width = candidates.shape[1]
    candidate_playlists = playlists.iloc[candidates.ravel()]
    dates = np.repeat(campaigns, width)
    offsets = (dates - np.datetime64(today, "D")).astype(int)
    fit = pair_appeal(tracks.iloc[np.repeat(track_rows, width)], tastes_at(candidate_playlists, offsets))
    is_fraud = candidate_playlists["is_fraud"].to_numpy(dtype=bool)
    weight = np.where(is_fraud, FRAUD_PICK_WEIGHT, PICK_FLOOR + fit**PICK_POWER)
    weight = weight * acceptance_by_size(candidate_playlists["followers"])
    exists = active_on(candidate_playlists, dates)
    keys = np.where(exists, np.log(weight), -np.inf).reshape(candidates.shape)
    keys = keys + rng.gumbel(size=candidates.shape)
    order = np.argsort(-keys, axis=1)  # Gumbel top-k: weighted sampling without replacement
    ranked = np.take_along_axis(candidates, order, axis=1)
    available = np.isfinite(np.take_along_axis(keys, order, axis=1))
    take = (np.arange(width)[None, :] < counts[:, None]) & available
    return ranked[take], take.sum(axis=1)


def simulate_reports(
    tracks: pd.DataFrame,
    playlists: pd.DataFrame,
    placements: pd.DataFrame,
    first_day: dt.date,
    last_day: dt.date,
    today: dt.date,
    organic_territories: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """All report rows (REPORT_COLUMNS plus the `placement` row they come from, -1 if none).

    `today` is the date the playlists' follower counts describe.
    """
    playlist_rows = _playlist_streams(tracks, playlists, placements, first_day, last_day, today, rng)
    organic_rows = _organic_streams(tracks, first_day, last_day, organic_territories, rng)
    reports = pd.concat([playlist_rows, organic_rows], ignore_index=True)
    return reports[reports["streams"] > 0].sort_values(
        ["date", "isrc", "playlist_id", "territory"], ignore_index=True
    )


def _playlist_streams(tracks, playlists, placements, first_day, last_day, today, rng) -> pd.DataFrame:
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
    info = playlists.set_index("playlist_id").loc[placements["playlist_id"].to_numpy()]
    years = (dates - np.datetime64(today, "D")).astype(int) / 365
    growth = np.exp(info["follower_growth"].to_numpy(dtype=float)[placement_of_row] * years)
    audience = info["real_followers"].to_numpy(dtype=float)[placement_of_row] * growth
    bought = (info["followers"] - info["real_followers"]).to_numpy(dtype=float)[placement_of_row] * growth
    is_fraud = info["is_fraud"].to_numpy(dtype=bool)[placement_of_row]
    territories = playlist_territory_table(info.reset_index())

    # Where the curator slots the track and how its audience reacts that week: one draw per placement.
    position = rng.lognormal(0, 0.5, len(placements))[placement_of_row]
    reaction = rng.lognormal(0, 0.3, len(placements))[placement_of_row]
    expected = audience * REACH * (0.3 + 1.7 * appeal) * np.exp(-age / 45) * position
    expected = expected * rng.lognormal(0, 0.35, len(expected))
    skip_rate = np.clip((0.6 - 0.45 * appeal) / reaction + rng.normal(0, 0.04, len(appeal)), 0.02, 0.95)
    save_rate = np.clip((0.005 + 0.15 * appeal**1.5) * reaction, 0, 1)
    listener_rate = 0.95 - 0.3 * appeal
    shares = np.array(PLAYLIST_TERRITORY_SHARES)
    frames = []
    for k, column in enumerate(territories.columns):
        share = np.where(is_fraud, float(k == 0), shares[k])
        streams = rng.poisson(expected * share)
        counts = _outcomes(streams, skip_rate, save_rate, listener_rate, rng)
        frames.append(_rows(dates, placements, placement_of_row, territories[column], counts))
    bot_streams = rng.poisson(bought * BOT_REACH * rng.lognormal(0, 0.2, len(bought)))
    loops_per_account = rng.integers(6, 16, len(bought))
    bot_counts = {
        "streams": bot_streams,
        "listeners": np.where(bot_streams > 0, np.maximum(1, bot_streams // loops_per_account), 0),
        "skips": rng.binomial(bot_streams, 0.01),
        "saves": rng.binomial(bot_streams, 0.0005),
    }
    frames.append(_rows(dates, placements, placement_of_row, territories["territory_0"], bot_counts))
    return pd.concat(frames, ignore_index=True)


def _rows(dates, placements, placement_of_row, territory_of_placement, counts) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": dates,
            "isrc": placements["isrc"].to_numpy()[placement_of_row],
            "playlist_id": placements["playlist_id"].to_numpy()[placement_of_row],
            "territory": territory_of_placement.to_numpy()[placement_of_row],
            **counts,
            "placement": placement_of_row,
        }
    )


def playlist_territory_table(playlists: pd.DataFrame) -> pd.DataFrame:
    """Per placement row: the playlist's home territory, then two others fixed by its id."""
    homes = playlists["territory"].to_numpy()
    return _territories(homes, playlists["playlist_id"], len(PLAYLIST_TERRITORY_SHARES))


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
    return _territories(tracks["home_territory"].to_numpy(), tracks["isrc"], count)


def _territories(homes: np.ndarray, ids: pd.Series, count: int) -> pd.DataFrame:
    columns = {"territory_0": homes}
    for k in range(1, count):
        picked = []
        for home, key in zip(homes, ids):
            pool = [t for t in TERRITORIES if t != home]
            picked.append(pool[(zlib.crc32(key.encode()) + 7 * k) % len(pool)])
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
