"""Joining a publication with the reports after it: windows, scopes and pending recommendations."""

import pandas as pd

from tastemaker.effect.outcomes import pending_count, recommendation_outcomes


def reports(rows):
    return pd.DataFrame(
        rows, columns=["date", "isrc", "playlist_id", "territory", "streams", "listeners", "skips", "saves"]
    ).assign(date=lambda frame: pd.to_datetime(frame["date"]))


PUBLICATION = pd.DataFrame(
    {
        "run_date": ["2026-06-30", "2026-06-30", "2026-07-05"],
        "artist_id": ["A", "A", "A"],
        "artist_name": ["Ann", "Ann", "Ann"],
        "rank": [1, 2, 1],
        "isrc": ["T1", "T2", "T1"],
        "playlist_id": ["P1", "P1", "P2"],
        "is_control": [False, True, False],
    }
)

FOLLOWERS = pd.Series({"P1": 2000, "P2": 500}, name="followers")

STREAMS = reports(
    [
        ("2026-06-30", "T1", "P1", "SE", 500, 400, 10, 5),  # on the run date: before the window
        ("2026-07-01", "T1", "P1", "SE", 40, 30, 10, 4),
        ("2026-07-03", "T1", None, "SE", 7, 7, 1, 0),  # outside playlists: the track's total only
        ("2026-07-03", "T1", "P2", "DE", 5, 5, 1, 1),  # another playlist
        ("2026-07-14", "T1", "P1", "SE", 10, 9, 5, 1),  # last day of the window
        ("2026-07-15", "T1", "P1", "SE", 99, 99, 0, 0),  # after the window
        ("2026-07-15", "T2", "P3", "SE", 1, 1, 0, 0),
    ]
)


def test_outcomes_count_only_the_window_and_the_recommended_playlist():
    outcomes = recommendation_outcomes(PUBLICATION, STREAMS, FOLLOWERS, window_days=14).set_index("rank")
    assert len(outcomes) == 2  # the 07-05 publication is still pending
    assert outcomes.loc[1, "in_playlist_streams"] == 50
    assert outcomes.loc[1, "in_playlist_saves"] == 5
    assert outcomes.loc[1, "in_playlist_skip_rate"] == 15 / 50
    assert outcomes.loc[1, "track_streams"] == 62
    assert outcomes.loc[1, "in_playlist_streams_per_1k_followers"] == 50 * 1000 / 2000
    assert bool(outcomes.loc[1, "started"])
    assert outcomes.loc[2, "in_playlist_streams"] == 0 and not outcomes.loc[2, "started"]
    assert pd.isna(outcomes.loc[2, "in_playlist_skip_rate"])
    assert not outcomes["is_explore"].any()
    assert pending_count(PUBLICATION, STREAMS, window_days=14) == 1
