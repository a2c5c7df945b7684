"""Expected-streams bands: from the first days of past placements in the same playlist, scaled by the pitch's strength."""

import numpy as np
import pandas as pd
import pytest

from tastemaker.ranking.bands import expected_streams

LAST_REPORT = pd.Timestamp("2026-06-30")


def daily_rows(isrc, playlist_id, first_day, days, streams_per_day):
    dates = pd.date_range(first_day, periods=days, freq="D")
    return pd.DataFrame(
        {
            "date": dates,
            "isrc": isrc,
            "playlist_id": playlist_id,
            "territory": "GB",
            "streams": streams_per_day,
            "listeners": 1,
            "skips": 0,
            "saves": 0,
        }
    )


@pytest.fixture
def history():
    """P1: four complete placements bringing 10, 20, 30 and 40 streams a day; P2: one placement, still young."""
    rows = [
        daily_rows(f"T{index}", "P1", "2026-06-01", 30, per_day)
        for index, per_day in enumerate([10, 20, 30, 40])
    ]
    rows.append(daily_rows("T9", "P2", LAST_REPORT - pd.Timedelta(days=5), 6, 1000))  # window not complete
    rows.append(daily_rows("T8", "P3", "2026-06-01", 14, 7))
    organic = daily_rows("T0", None, "2026-06-01", 30, 500)
    return pd.concat([*rows, organic], ignore_index=True)


@pytest.fixture
def playlists():
    return pd.DataFrame({"playlist_id": ["P1", "P2", "P3"], "followers": [1000, 2000, 700]})


def band(pitches, history, playlists, **settings):
    return expected_streams(pitches, history, playlists, **settings).join(pitches)


def test_a_median_pitch_gets_the_interquartile_range_of_the_first_fourteen_days(history, playlists):
    pitches = pd.DataFrame({"isrc": ["N1"], "playlist_id": ["P1"], "score": [0.3]})
    result = band(pitches, history, playlists)
    fourteen_day_totals = pd.Series([10, 20, 30, 40]) * 14  # the days after the 14th are not counted
    assert result["expected_streams_low"].iloc[0] == np.floor(fourteen_day_totals.quantile(0.25))
    assert result["expected_streams_high"].iloc[0] == np.ceil(fourteen_day_totals.quantile(0.75))


def test_a_stronger_pitch_to_the_same_playlist_expects_more(history, playlists):
    pitches = pd.DataFrame({"isrc": ["N1", "N2", "N3"], "playlist_id": "P1", "score": [0.1, 0.9, 0.5]})
    result = band(pitches, history, playlists).set_index("isrc")
    assert (
        result.loc["N1", "expected_streams_high"]
        < result.loc["N3", "expected_streams_high"]
        < result.loc["N2", "expected_streams_high"]
    )
    assert (result["expected_streams_low"] <= result["expected_streams_high"]).all()


def test_a_playlist_without_enough_history_borrows_the_market_rate_per_follower(history, playlists):
    pitches = pd.DataFrame({"isrc": ["N1"], "playlist_id": ["P2"], "score": [0.3]})
    result = band(pitches, history, playlists)
    # Complete placements: P1's four (140..560 streams per 1,000 followers) and P3's one (98 per 700).
    per_follower = pd.Series([140 / 1000, 280 / 1000, 420 / 1000, 560 / 1000, 98 / 700])
    assert result["expected_streams_low"].iloc[0] == np.floor(per_follower.quantile(0.25) * 2000)
    assert result["expected_streams_high"].iloc[0] == np.ceil(per_follower.quantile(0.75) * 2000)


def test_the_history_needed_before_a_playlist_has_its_own_band_is_a_setting(history, playlists):
    pitches = pd.DataFrame({"isrc": ["N1"], "playlist_id": ["P3"], "score": [0.3]})
    own = band(pitches, history, playlists, min_placements=1)
    assert own[["expected_streams_low", "expected_streams_high"]].iloc[0].tolist() == [98, 98]
    borrowed = band(pitches, history, playlists)
    assert borrowed["expected_streams_high"].iloc[0] != 98
