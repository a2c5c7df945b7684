"""The playlist-fraud filter on hand-made reports: two signs flag a playlist, one sign does not."""

import pandas as pd
import pytest

from tastemaker.ranking.fraud import FraudRules, filter_quality, flag_playlists

RULES = FraudRules(
    min_streams=100, max_save_rate=0.005, max_listeners_per_stream=0.5, min_top_territory_share=0.9
)


def rows(playlist, territory_streams, listeners_share, saves_share):
    return [
        {
            "date": "2026-01-01",
            "isrc": "T1",
            "playlist_id": playlist,
            "territory": territory,
            "streams": streams,
            "listeners": int(streams * listeners_share),
            "skips": 0,
            "saves": int(streams * saves_share),
        }
        for territory, streams in territory_streams.items()
    ]


CASES = [
    # playlist, streams per territory, listeners per stream, saves per stream, flagged
    ("HONEST", {"GB": 600, "US": 300, "DE": 100}, 0.8, 0.04, False),
    ("BOTS", {"BR": 1000}, 0.1, 0.0005, True),
    ("LOOPING_ONE_COUNTRY", {"JP": 1000}, 0.1, 0.05, True),  # saves, but loops from one territory
    ("ONE_COUNTRY_FAN_BASE", {"SE": 1000}, 0.8, 0.05, False),  # one sign has honest explanations
    ("TOO_LITTLE_EVIDENCE", {"NG": 50}, 0.1, 0.0, False),
]


@pytest.mark.parametrize("playlist, territories, listeners, saves, flagged", CASES)
def test_each_case_is_flagged_by_its_signs(playlist, territories, listeners, saves, flagged):
    streams = pd.DataFrame(
        rows(playlist, territories, listeners, saves) + rows("HONEST", {"GB": 300, "US": 200}, 0.8, 0.04)
    )
    flags = flag_playlists(streams, RULES).set_index("playlist_id")
    assert bool(flags.loc[playlist, "is_suspect"]) is flagged
    assert flags.loc["HONEST", "signs"] == 0
    if flagged:
        assert (
            "(suspect)" in flags.loc[playlist, "evidence"] and "save rate" in flags.loc[playlist, "evidence"]
        )


def test_organic_streams_are_not_a_playlist_and_quality_is_measured_against_the_truth():
    streams = pd.DataFrame(
        rows("BOTS", {"BR": 1000}, 0.1, 0.0)
        + rows("", {"BR": 5000}, 0.1, 0.0)
        + rows("HONEST", {"GB": 500, "US": 500}, 0.8, 0.04)
        + rows("LOOPING_ONE_COUNTRY", {"JP": 900}, 0.1, 0.05)
    )
    flags = flag_playlists(streams, RULES)
    assert set(flags["playlist_id"]) == {"BOTS", "HONEST", "LOOPING_ONE_COUNTRY"}
    quality = filter_quality(flags, fraudulent={"BOTS", "NEVER_STREAMED"})
    assert quality["precision"] == pytest.approx(0.5)  # BOTS right, LOOPING_ONE_COUNTRY wrong
    assert quality["recall"] == pytest.approx(
        1.0
    )  # a fraudulent playlist that never streamed cannot be found
