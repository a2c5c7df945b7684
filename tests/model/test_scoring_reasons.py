"""Reasons computed per playlist, looked up per pitch: right match, never the track itself, always one reason."""

import json

import numpy as np
import pandas as pd

from tastemaker.ranking.reasons import explain


def tables():
    features = pd.DataFrame({"isrc": ["N1", "G1", "G2", "B1"], "f1": [1.0, 0.9, -1.0, 1.0],
                             "f2": [0.0, 0.1, 0.2, 0.0]})
    catalog = pd.DataFrame({"isrc": ["N1", "G1", "G2", "B1"], "title": ["New", "Good One", "Good Two", "Bad"],
                            "artist_name": ["Nova", "Gala", "Gus", "Bo"], "genre": ["pop", "pop", "rock", "pop"]})
    playlists = pd.DataFrame({"playlist_id": ["P1", "P2"], "genre": ["pop", "jazz"]})
    placed = pd.DataFrame({"isrc": ["G1", "G2", "B1"], "playlist_id": "P1", "streams": [100, 100, 100],
                           "saves": [25, 30, 1], "engagement": [0.8, 0.9, 0.1]})
    tags = pd.DataFrame({"isrc": ["N1", "G1", "G2", "B1"], "bpm": [121.0, 120.0, 122.0, 90.0],
                         "mode": ["major", "major", "major", "minor"]})
    return catalog, playlists, placed, features, tags


def test_sounds_like_names_the_nearest_well_performing_track():
    catalog, playlists, placed, features, tags = tables()
    pitches = pd.DataFrame({"isrc": ["N1"], "playlist_id": ["P1"]}, index=[7])
    reasons = json.loads(explain(pitches, catalog, playlists, placed, features, tags).loc[7])
    # B1 sounds even closer but did badly in the playlist; G1 is the nearest of those that did well.
    assert reasons[0].startswith("sounds like 'Good One' by Gala") and "25.0%" in reasons[0]
    assert "tempo 121 BPM, like the playlist's usual 120 BPM" in reasons
    assert "major mode, like 67% of the playlist" in reasons
    assert "genre match: pop" in reasons
    assert reasons[-1].startswith("overall sound close to the playlist's profile") and "over 3 tracks" in reasons[-1]


def test_a_track_never_sounds_like_itself():
    catalog, playlists, placed, features, tags = tables()
    pitches = pd.DataFrame({"isrc": ["G1"], "playlist_id": ["P1"]})
    reasons = json.loads(explain(pitches, catalog, playlists, placed, features, tags).iloc[0])
    assert reasons[0].startswith("sounds like 'Good Two' by Gus")


def test_every_pitch_gets_a_reason_even_without_history_or_tags():
    catalog, playlists, placed, features, _ = tables()
    pitches = pd.DataFrame({"isrc": ["N1", "N1", "UNKNOWN"], "playlist_id": ["P2", "P1", "P1"]})
    reasons = explain(pitches, catalog, playlists, placed, features, pd.DataFrame()).map(json.loads)
    assert reasons.iloc[0] == ["the playlist has no history yet: pitched on the model's score alone"]
    assert all(len(found) >= 1 for found in reasons)
    assert not any("tempo" in reason for found in reasons for reason in found)
    assert np.isfinite(float(reasons.iloc[1][-1].split("cosine ")[1].split(" ")[0]))
