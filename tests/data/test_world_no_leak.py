"""Done-when 4: the appeal is carried by the sound, not by any landing-zone column.

Random (track, playlist) pairs of a large metadata-only world: every public column except genre
(label, release date, duration, followers, territories) is close to uncorrelated with appeal,
while the style distance, which the audio carries, is strongly correlated with it. And no truth
column (sub-style, scene, true genre, fraud, life spans, appeal) reaches the landing zone.
"""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from tastemaker.world.appeal import STYLE_UNITS, pair_appeal
from tastemaker.world.catalog import make_artists, make_tracks
from tastemaker.world.curators import make_playlists
from tastemaker.world.landing import CATALOG_COLUMNS, PLAYLIST_COLUMNS
from tastemaker.world.listening import REPORT_COLUMNS
from tastemaker.world.presets import WORLD_TODAY, WorldPreset

PAIRS = 100_000


@pytest.fixture(scope="module")
def pairs():
    rng = np.random.default_rng(8)
    preset = WorldPreset(
        artists=2_000,
        tracks=10_000,
        playlists=1_000,
        report_days=30,
        track_seconds=0,
        campaigns_per_track=1,
        scenes=50,
    )
    artists = make_artists(preset, rng)
    tracks = make_tracks(artists, preset.tracks, preset, WORLD_TODAY, rng)
    first_day = WORLD_TODAY - dt.timedelta(days=preset.report_days - 1)
    playlists = make_playlists(preset, artists, first_day, WORLD_TODAY, rng)
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


@pytest.fixture(scope="module")
def tiny_world(tmp_path_factory):
    from tastemaker.world import generate_world

    return generate_world(tmp_path_factory.mktemp("leak") / "landing", preset="tiny", seed=2)


def test_no_truth_column_reaches_the_landing_zone(tiny_world):
    truth = tiny_world.truth
    hidden = set()
    for name in ("tracks", "playlists", "appeal", "artists", "placements"):
        hidden |= set(pd.read_parquet(truth / f"{name}.parquet").columns)
    csv_files = sorted(tiny_world.landing.rglob("*.csv"))
    public = set().union(*(pd.read_csv(f, nrows=0).columns for f in csv_files))
    contract = {*CATALOG_COLUMNS, *PLAYLIST_COLUMNS, *REPORT_COLUMNS}
    assert public <= contract
    assert public & hidden <= contract
    truth_only = {"substyle", "scene", "catalog_genre", "is_fraud", "active_from", "active_to"}
    assert truth_only | {"appeal", "appeal_without_sound", "real_followers"} <= hidden - contract
    assert not [p for p in tiny_world.landing.rglob("*") if p.suffix in {".parquet", ".json"}]


def test_the_catalog_and_the_tags_carry_the_delivered_genre_not_the_true_one(tiny_world):
    from tastemaker.tags import read_tags

    catalog = pd.read_csv(tiny_world.landing / "catalog.csv", keep_default_na=False).set_index("isrc")
    truth = pd.read_parquet(tiny_world.truth / "tracks.parquet").set_index("isrc").loc[catalog.index]
    assert (catalog["genre"] == truth["catalog_genre"]).all()
    tagged = [read_tags(tiny_world.landing / "audio" / f).genre or "" for f in catalog["audio_file"]]
    assert tagged == list(truth["catalog_genre"])
