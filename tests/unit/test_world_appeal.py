"""The hidden appeal: bounded, consistent between its two forms, and driven by sound and taste."""

import numpy as np
import pandas as pd

from tastemaker.world.appeal import appeal, appeal_without_sound, pair_appeal, pair_appeal_without_sound
from tastemaker.world.styles import GENRE_NAMES

TASTE = {
    "taste_tempo_bpm": 120.0,
    "taste_brightness": 0.6,
    "taste_percussiveness": 0.6,
    "taste_energy": 0.6,
    "taste_acousticness": 0.3,
    "taste_space": 0.4,
    "taste_major": 1.0,
    "taste_width": 1.0,
    **{f"affinity_{g}": 1 / len(GENRE_NAMES) for g in GENRE_NAMES},
    "favourite_scene": "",
    "scene_love": 0.0,
}


def track(**changes):
    style = {
        "tempo_bpm": 120.0,
        "brightness": 0.6,
        "percussiveness": 0.6,
        "energy": 0.6,
        "acousticness": 0.3,
        "space": 0.4,
        "mode": "major",
        "genre": "pop",
        "scene": "scene-01",
        "artist_popularity": 1.0,
    }
    return {**style, **changes}


def test_the_closer_the_sound_to_the_taste_the_higher_the_appeal():
    tracks = pd.DataFrame(
        [track(), track(tempo_bpm=135), track(tempo_bpm=170, brightness=0.1), track(mode="minor")]
    )
    values = appeal(tracks, pd.DataFrame([TASTE]))[:, 0]
    assert values[0] > values[1] > values[2]
    assert values[3] < values[0]
    assert ((values > 0) & (values < 1)).all()


def test_genre_love_and_popularity_raise_the_appeal():
    lover = {**TASTE, **{f"affinity_{g}": 0.01 for g in GENRE_NAMES}, "affinity_pop": 0.95}
    playlists = pd.DataFrame([TASTE, lover])
    tracks = pd.DataFrame([track(), track(artist_popularity=3.0)])
    values = appeal(tracks, playlists)
    assert values[0, 1] > values[0, 0]
    assert values[1, 0] > values[0, 0]


def test_a_favourite_scene_raises_the_appeal_with_or_without_sound():
    fan = {**TASTE, "favourite_scene": "scene-01", "scene_love": 1.0}
    playlists = pd.DataFrame([TASTE, fan])
    tracks = pd.DataFrame([track(), track(scene="scene-02")])
    for values in (appeal(tracks, playlists), appeal_without_sound(tracks, playlists)):
        assert values[0, 1] > values[0, 0]
        assert values[1, 1] == values[1, 0]


def test_the_deaf_oracle_ignores_the_sound_and_keeps_everything_else():
    tracks = pd.DataFrame([track(), track(tempo_bpm=170, brightness=0.1, space=0.9)])
    lover = {**TASTE, **{f"affinity_{g}": 0.01 for g in GENRE_NAMES}, "affinity_pop": 0.95}
    playlists = pd.DataFrame([TASTE, lover])
    heard, deaf = appeal(tracks, playlists), appeal_without_sound(tracks, playlists)
    assert heard[0, 0] > heard[1, 0]
    np.testing.assert_allclose(deaf[0], deaf[1])
    assert deaf[0, 1] > deaf[0, 0]
    np.testing.assert_allclose(
        pair_appeal_without_sound(tracks, playlists), np.diag(appeal_without_sound(tracks, playlists))
    )


def test_pair_appeal_is_the_diagonal_of_the_matrix():
    rng = np.random.default_rng(0)
    tracks = pd.DataFrame([track(tempo_bpm=t, genre=g) for t, g in zip(rng.uniform(70, 170, 5), GENRE_NAMES)])
    playlists = pd.DataFrame([{**TASTE, "taste_width": w} for w in rng.uniform(0.8, 1.6, 5)])
    np.testing.assert_allclose(pair_appeal(tracks, playlists), np.diag(appeal(tracks, playlists)))
