import numpy as np
import pandas as pd
import pytest

from tastemaker.config import PublishParams
from tastemaker.ranking.pitches import in_territories, mark_control, select_pitches


def scored_pairs():
    rows = []
    for artist, tracks in {"A1": ["T1", "T2"], "A2": ["T3"]}.items():
        for track in tracks:
            for index, playlist in enumerate(["P1", "P2", "P3", "P4"]):
                rows.append(
                    {
                        "isrc": track,
                        "playlist_id": playlist,
                        "artist_id": artist,
                        "score": 1.0 - index / 10 - (track == "T2") / 100,
                        "already_placed": False,
                    }
                )
    return pd.DataFrame(rows)


def test_at_most_n_pitches_per_playlist_per_artist():
    pitches = select_pitches(scored_pairs(), PublishParams(top_k=10, max_pitches_per_playlist=1))
    per_playlist = pitches.groupby(["artist_id", "playlist_id"]).size()
    assert per_playlist.max() == 1
    assert len(pitches[pitches["artist_id"] == "A1"]) == 4  # four playlists, one pitch each


def test_top_k_and_ranks_follow_the_score():
    pitches = select_pitches(scored_pairs(), PublishParams(top_k=2, max_pitches_per_playlist=2))
    artist = pitches[pitches["artist_id"] == "A1"]
    assert artist["rank"].tolist() == [1, 2]
    assert artist["score"].is_monotonic_decreasing


def test_playlists_the_track_is_already_in_are_never_pitched():
    scored = scored_pairs()
    scored.loc[(scored["isrc"] == "T3") & (scored["playlist_id"] == "P1"), "already_placed"] = True
    pitches = select_pitches(scored, PublishParams())
    assert not ((pitches["isrc"] == "T3") & (pitches["playlist_id"] == "P1")).any()


def test_per_track_cap():
    pitches = select_pitches(
        scored_pairs(), PublishParams(top_k=10, max_pitches_per_playlist=2, max_pitches_per_track=1)
    )
    assert pitches.groupby("isrc").size().max() == 1


def test_control_assignment_is_reproducible_and_close_to_the_share():
    pairs = pd.DataFrame({"isrc": [f"T{i}" for i in range(2000)], "playlist_id": "P1"})
    first = mark_control(pairs, 0.2, seed=3, run_date="2026-01-01")
    assert first.equals(mark_control(pairs, 0.2, seed=3, run_date="2026-01-01"))
    assert 0.17 < first.mean() < 0.23
    assert not first.equals(mark_control(pairs, 0.2, seed=4, run_date="2026-01-01"))


def test_a_pair_skipped_for_its_track_does_not_use_up_its_playlist():
    scored = pd.DataFrame(
        {
            "isrc": ["T1", "T1", "T2"],
            "playlist_id": ["P1", "P2", "P2"],
            "artist_id": "A1",
            "score": [0.9, 0.8, 0.7],
            "already_placed": False,
        }
    )
    pitches = select_pitches(
        scored, PublishParams(top_k=10, max_pitches_per_playlist=1, max_pitches_per_track=1)
    )
    assert list(zip(pitches["isrc"], pitches["playlist_id"], pitches["rank"])) == [
        ("T1", "P1", 1),
        ("T2", "P2", 2),
    ]


def test_caps_hold_per_artist_not_across_artists():
    scored = pd.DataFrame(
        {
            "isrc": ["T1", "T2"],
            "playlist_id": "P1",
            "artist_id": ["A1", "A2"],
            "score": [0.9, 0.8],
            "already_placed": False,
        }
    )
    pitches = select_pitches(scored, PublishParams(max_pitches_per_playlist=1))
    assert sorted(pitches["artist_id"]) == ["A1", "A2"]
    assert pitches["rank"].tolist() == [1, 1]


def playlist_territories():
    return pd.DataFrame({"playlist_id": ["P1", "P2", "P3", "P4"], "territory": ["GB", "us", "FR", None]})


def licensed(scored, territories):
    """What the publish stage hands to the selection: the candidates in the licensed territories."""
    return scored[in_territories(scored["playlist_id"], playlist_territories(), territories)]


def test_playlists_outside_the_licensed_territories_are_never_pitched():
    pitches = select_pitches(
        licensed(scored_pairs(), ["gb", "US"]), PublishParams(top_k=10, max_pitches_per_playlist=2)
    )
    assert set(pitches["playlist_id"]) == {
        "P1",
        "P2",
    }  # P2's lower-case "us" matches; no territory is excluded
    assert pitches.groupby("artist_id")["rank"].apply(list).to_dict() == {"A1": [1, 2, 3, 4], "A2": [1, 2]}


def test_no_territory_list_means_every_territory():
    everywhere = select_pitches(licensed(scored_pairs(), []), PublishParams())
    assert set(everywhere["playlist_id"]) == {"P1", "P2", "P3", "P4"}
    assert everywhere.equals(select_pitches(scored_pairs(), PublishParams()))


def test_territory_rule_without_the_playlists_table_is_refused():
    with pytest.raises(ValueError, match="playlists table"):
        in_territories(scored_pairs()["playlist_id"], None, ["GB"])


def greedy_reference(scored, rules):
    """The rules read literally, one pair at a time: what the vectorised selection must reproduce."""
    chosen = []
    for _, pairs in scored[~scored["already_placed"]].groupby("artist_id"):
        taken = []
        for row in pairs.sort_values(
            ["score", "isrc", "playlist_id"], ascending=[False, True, True]
        ).itertuples():
            same_playlist = sum(pick.playlist_id == row.playlist_id for pick in taken)
            same_track = sum(pick.isrc == row.isrc for pick in taken)
            if (
                len(taken) < rules.top_k
                and same_playlist < rules.max_pitches_per_playlist
                and same_track < rules.max_pitches_per_track
            ):
                taken.append(row)
        chosen += [(row.artist_id, rank, row.isrc, row.playlist_id) for rank, row in enumerate(taken, 1)]
    return chosen


@pytest.mark.parametrize("seed", range(5))
def test_selection_matches_the_rules_applied_one_pair_at_a_time(seed):
    rng = np.random.default_rng(seed)
    rows = 300
    scored = pd.DataFrame(
        {
            "isrc": [f"T{i}" for i in rng.integers(0, 30, rows)],
            "playlist_id": [f"P{i}" for i in rng.integers(0, 12, rows)],
            "score": rng.normal(size=rows).round(1),
            "already_placed": rng.random(rows) < 0.1,
        }
    )
    scored["artist_id"] = "A" + (scored["isrc"].str[1:].astype(int) % 4).astype(str)
    scored = scored.drop_duplicates(["isrc", "playlist_id"])
    rules = PublishParams(
        top_k=int(rng.integers(2, 12)),
        max_pitches_per_playlist=int(rng.integers(1, 3)),
        max_pitches_per_track=int(rng.integers(1, 4)),
    )
    pitches = select_pitches(scored, rules)
    assert list(
        zip(pitches["artist_id"], pitches["rank"], pitches["isrc"], pitches["playlist_id"])
    ) == greedy_reference(scored, rules)
