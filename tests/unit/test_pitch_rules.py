import pandas as pd

from tastemaker.config import PublishParams
from tastemaker.ranking.pitches import mark_control, select_pitches


def scored_pairs():
    rows = []
    for artist, tracks in {"A1": ["T1", "T2"], "A2": ["T3"]}.items():
        for track in tracks:
            for index, playlist in enumerate(["P1", "P2", "P3", "P4"]):
                rows.append({"isrc": track, "playlist_id": playlist, "artist_id": artist,
                             "score": 1.0 - index / 10 - (track == "T2") / 100, "already_placed": False})
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
    pitches = select_pitches(scored_pairs(), PublishParams(top_k=10, max_pitches_per_playlist=2,
                                                           max_pitches_per_track=1))
    assert pitches.groupby("isrc").size().max() == 1


def test_control_assignment_is_reproducible_and_close_to_the_share():
    pairs = pd.DataFrame({"isrc": [f"T{i}" for i in range(2000)], "playlist_id": "P1"})
    first = mark_control(pairs, 0.2, seed=3, run_date="2026-01-01")
    assert first.equals(mark_control(pairs, 0.2, seed=3, run_date="2026-01-01"))
    assert 0.17 < first.mean() < 0.23
    assert not first.equals(mark_control(pairs, 0.2, seed=4, run_date="2026-01-01"))
