"""Playlists and the taste of the curators behind them.

Two kinds of playlist, as on real platforms: genre playlists, whose taste sits on one sub-style
of their genre, and cross-genre mood and scene playlists, whose taste sits between two sub-styles
of different genres that sound alike and which love no genre in particular. Many curators also
favour one scene. Playlists come and go, their tastes drift and their audiences grow or shrink;
a few are fraudulent: their followers are bought and bots stream what they carry.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tastemaker.world import names
from tastemaker.world.appeal import STYLE_UNITS
from tastemaker.world.catalog import TERRITORIES
from tastemaker.world.presets import WorldPreset
from tastemaker.world.styles import ARTIST_SPREAD, CONTINUOUS_STYLE, GENRE_NAMES, substyle_table

SCENE_FAN_SHARE = 0.6
# Playlist life: share created inside the report window, and share that does not exist yet
# (they appear as the world advances); the share closed inside the window is a preset's.
NEW_IN_WINDOW_SHARE = 0.1
UPCOMING_SHARE = 0.08
UPCOMING_WITHIN_DAYS = 90
# How far a taste centre moves per year, in artist spreads per axis.
DRIFT_PER_YEAR = 1.0


def make_playlists(
    preset: WorldPreset,
    artists: pd.DataFrame,
    first_day: dt.date,
    today: dt.date,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Playlists with public metadata and a hidden taste, life span and honesty.

    Anchor sub-styles and favourite scenes follow the label's roster, so most playlists have
    tracks that fit them.
    """
    count, mood_share = preset.playlists, preset.mood_playlist_share
    table = substyle_table()
    anchors = rng.choice(artists["substyle"].to_numpy(), count)
    is_mood = rng.random(count) < mood_share
    partners = np.array([_nearest_other_genre(a, table) for a in anchors])
    anchor_points = table.loc[anchors, list(CONTINUOUS_STYLE) + ["major_share"]].to_numpy()
    partner_points = table.loc[partners, list(CONTINUOUS_STYLE) + ["major_share"]].to_numpy()
    centres = np.where(is_mood[:, None], (anchor_points + partner_points) / 2, anchor_points)
    main_genres = table.loc[anchors, "genre"].to_numpy()

    public_followers = np.minimum((1000 * (1 + rng.pareto(1.1, count))).astype(np.int64), 20_000_000)
    is_fraud = _fraud_flags(count, preset.fraud_share, rng)
    bought_share = np.where(is_fraud, rng.uniform(0.85, 0.97, count), 0.0)
    playlists = pd.DataFrame(
        {
            "playlist_id": [f"PL{i + 1:05d}" for i in range(count)],
            "name": names.playlist_names([g if not m else "" for g, m in zip(main_genres, is_mood)], rng),
            "followers": public_followers,
            "curator": names.curator_names(count, rng),
            "territory": rng.choice(TERRITORIES, count),
            "genre": np.where(is_mood, "", main_genres),
            "kind": np.where(is_mood, "mood", "genre"),
            "anchor_substyle": anchors,
        }
    )
    for i, column in enumerate(CONTINUOUS_STYLE):
        playlists[f"taste_{column}"] = centres[:, i] + rng.normal(0, ARTIST_SPREAD[column], count)
        playlists[f"drift_{column}"] = rng.normal(0, DRIFT_PER_YEAR * ARTIST_SPREAD[column], count)
    playlists["taste_major"] = np.clip(centres[:, -1] + rng.normal(0, 0.15, count), 0, 1)
    playlists["taste_width"] = np.where(is_mood, rng.uniform(1.1, 1.5, count), rng.uniform(0.8, 1.3, count))

    main_index = pd.Index(GENRE_NAMES).get_indexer(main_genres)
    concentration = np.full((count, len(GENRE_NAMES)), 1.0)
    concentration[np.arange(count), main_index] += np.where(is_mood, 0.0, 4.0)
    affinities = np.vstack([rng.dirichlet(row) for row in concentration])
    for i, genre in enumerate(GENRE_NAMES):
        playlists[f"affinity_{genre}"] = np.maximum(affinities[:, i], 1e-3)
    is_fan = rng.random(count) < SCENE_FAN_SHARE
    playlists["favourite_scene"] = np.where(is_fan, rng.choice(artists["scene"].to_numpy(), count), "")
    playlists["scene_love"] = np.where(is_fan, rng.uniform(0.5, 1.5, count), 0.0)
    playlists["openness"] = rng.beta(2, 2, count)
    playlists["is_fraud"] = is_fraud
    real_followers = np.maximum(1, np.round(public_followers * (1 - bought_share)))
    playlists["real_followers"] = real_followers.astype(np.int64)
    playlists["follower_growth"] = rng.normal(0.15, 0.35, count)  # log change per year
    playlists["active_from"], playlists["active_to"] = _life_spans(
        count, preset.closing_share, first_day, today, rng
    )
    return playlists


def acceptance_by_size(followers) -> np.ndarray:
    """How readily a curator adds a fitting track: 0.76 at 1,000 followers, 0.5 at 10,000, 0.09 at 1M.

    Big playlists get far more submissions than slots, so each one is less likely to get in.
    """
    return 1.0 / (1.0 + np.sqrt(np.asarray(followers, dtype=float) / 10_000))


def capacity_per_month(followers) -> np.ndarray:
    """How many of the label's tracks a curator can add in 30 days: a few, fewer on big lists."""
    return np.maximum(1, np.round(6 * acceptance_by_size(followers))).astype(int)


def tastes_at(playlists: pd.DataFrame, days_from_today) -> pd.DataFrame:
    """The same playlists with their taste centres moved `days_from_today` along their drift."""
    shifted = playlists.copy()
    years = np.asarray(days_from_today, dtype=float) / 365
    for column in CONTINUOUS_STYLE:
        shifted[f"taste_{column}"] = (
            playlists[f"taste_{column}"].to_numpy() + years * playlists[f"drift_{column}"].to_numpy()
        )
    return shifted


def active_on(playlists: pd.DataFrame, days) -> np.ndarray:
    """Whether each row's playlist exists on the matching day (a datetime64[D] array or scalar)."""
    starts = playlists["active_from"].to_numpy().astype("datetime64[D]")
    ends = playlists["active_to"].to_numpy().astype("datetime64[D]")
    days = np.asarray(days, dtype="datetime64[D]")
    return (starts <= days) & (np.isnat(ends) | (days <= ends))


def _nearest_other_genre(substyle: str, table: pd.DataFrame) -> str:
    """The sub-style of another genre that sounds closest to `substyle`."""
    others = table[table["genre"] != table.at[substyle, "genre"]]
    distance = sum(((others[c] - table.at[substyle, c]) / STYLE_UNITS[c]) ** 2 for c in CONTINUOUS_STYLE)
    return str(distance.idxmin())


def _fraud_flags(count: int, share: float, rng: np.random.Generator) -> np.ndarray:
    """Exactly round(share x count) fraudulent playlists (at least one when share > 0)."""
    flags = np.zeros(count, dtype=bool)
    if share > 0:
        flags[rng.choice(count, max(1, round(share * count)), replace=False)] = True
    return flags


def _life_spans(count: int, closing_share: float, first_day: dt.date, today: dt.date, rng):
    """(active_from, active_to) per playlist; active_to is NaT while a playlist lives on."""
    first, last = np.datetime64(first_day, "D"), np.datetime64(today, "D")
    window = int((last - first).astype(int)) + 1
    starts = first - rng.integers(30, 5 * 365, count)
    ends = np.full(count, np.datetime64("NaT"), dtype="datetime64[D]")
    fate = rng.random(count)
    is_new = fate < NEW_IN_WINDOW_SHARE
    is_closed = (fate >= NEW_IN_WINDOW_SHARE) & (fate < NEW_IN_WINDOW_SHARE + closing_share)
    is_upcoming = fate >= 1 - UPCOMING_SHARE
    starts[is_new] = first + rng.integers(0, window - 14, is_new.sum())
    ends[is_closed] = first + rng.integers(window // 3, window - 1, is_closed.sum())
    starts[is_upcoming] = last + rng.integers(1, UPCOMING_WITHIN_DAYS, is_upcoming.sum())
    return pd.to_datetime(starts), pd.to_datetime(ends)
