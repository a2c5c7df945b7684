"""Done-when 4: the appeal is carried by the sound, not by any landing-zone column.

Random (track, playlist) pairs of a large metadata-only world: every public column except genre
(label, release date, duration, followers, territories) is close to uncorrelated with appeal,
while the style distance, which the audio carries, is strongly correlated with it.
"""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from tastemaker.world.appeal import STYLE_UNITS, pair_appeal
from tastemaker.world.catalog import make_artists, make_tracks
from tastemaker.world.curators import make_playlists
from tastemaker.world.presets import WORLD_TODAY, WorldPreset

PAIRS = 100_000


@pytest.fixture(scope="module")
def pairs():
    rng = np.random.default_rng(8)
    preset = WorldPreset(
        artists=2_000, tracks=10_000, playlists=1_000, report_days=30, track_seconds=0, placements_per_track=1
    )
    artists = make_artists(preset, rng)
    tracks = make_tracks(artists, preset.tracks, preset, WORLD_TODAY, rng)
    playlists = make_playlists(preset.playlists, artists["genre"], rng)
    track_rows = tracks.iloc[rng.integers(0, len(tracks), PAIRS)].reset_index(drop=True)
    playlist_rows = playlists.iloc[rng.integers(0, len(playlists), PAIRS)].reset_index(drop=True)
    appeal = pair_appeal(track_rows, playlist_rows)
    public = pd.DataFrame(
        {
            "label": track_rows["label"].astype("category").cat.codes,
            "release_date": pd.to_datetime(track_rows["release_date"]).map(pd.Timestamp.toordinal),
            "duration_s": track_rows["duration_s"],
            "followers": playlist_rows["followers"],
            "same_territory": (track_rows["home_territory"] == playlist_rows["territory"]).astype(int),
        }
    )
    sound_distance = np.sqrt(
        sum(((track_rows[c] - playlist_rows[f"taste_{c}"]) / unit) ** 2 for c, unit in STYLE_UNITS.items())
    )
    return appeal, public, sound_distance


def test_no_public_column_tracks_the_appeal(pairs):
    appeal, public, _ = pairs
    correlations = {name: abs(spearmanr(values, appeal).statistic) for name, values in public.items()}
    assert max(correlations.values()) < 0.03, correlations


def test_the_sound_explains_the_appeal(pairs):
    appeal, _, sound_distance = pairs
    assert spearmanr(sound_distance, appeal).statistic < -0.5
