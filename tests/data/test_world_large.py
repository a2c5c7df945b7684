"""The large preset: metadata and reports at scale, truth as styles and tastes instead of all pairs."""

import pandas as pd
import pytest

from tastemaker.world import generate_world
from tastemaker.world.appeal import pair_appeal
from tastemaker.world.curators import tastes_at
from tastemaker.world.presets import WORLD_TODAY


@pytest.mark.slow
def test_large_world_has_scale_without_audio(tmp_path):
    summary = generate_world(tmp_path / "w", preset="large", seed=0)
    assert summary.tracks == 100_000
    catalog = pd.read_csv(summary.landing / "catalog.csv", keep_default_na=False)
    listed = pd.read_csv(summary.landing / "playlists.csv")
    assert summary.playlists == len(listed) > 4_000  # the ones open today, of 5,000 in the truth
    assert (catalog["audio_file"] == "").all() and not (summary.landing / "audio").exists()
    assert len(list((summary.landing / "streams").glob("*.csv"))) == summary.days
    assert summary.stream_rows > 1_000_000

    assert not (summary.truth / "appeal.parquet").exists()
    tracks = pd.read_parquet(summary.truth / "tracks.parquet")
    playlists = pd.read_parquet(summary.truth / "playlists.parquet")
    assert len(playlists) == 5_000
    placements = pd.read_parquet(summary.truth / "placements.parquet")
    some = placements.head(1_000)
    # A placement's appeal is the one of its start date: tastes drift, the truth holds today's.
    days_from_today = (some["start"] - pd.Timestamp(WORLD_TODAY)).dt.days.to_numpy()
    tastes = tastes_at(
        playlists.set_index("playlist_id").loc[some["playlist_id"]].reset_index(), days_from_today
    )
    recomputed = pair_appeal(tracks.set_index("isrc").loc[some["isrc"]].reset_index(), tastes)
    assert abs(recomputed - some["appeal"].to_numpy()).max() < 1e-9
