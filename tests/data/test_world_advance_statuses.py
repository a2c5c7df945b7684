"""`world advance` on a publication carrying the portal's statuses answers only the pitches marked sent."""

import datetime as dt
import shutil

import pandas as pd

from tastemaker.world import advance_world
from tastemaker.world.truth import truth_dir_for


def test_only_pitches_marked_sent_are_answered(tiny_world, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(tiny_world, landing)
    shutil.copytree(truth_dir_for(tiny_world), truth_dir_for(landing))
    truth = truth_dir_for(landing)
    pairs = pd.read_parquet(truth / "appeal.parquet")[["isrc", "playlist_id"]].drop_duplicates().head(40)
    tracks = pd.read_parquet(truth / "tracks.parquet").set_index("isrc")
    statuses = [
        "sent" if index % 4 == 0 else ("skipped" if index % 4 == 1 else None) for index in range(len(pairs))
    ]
    publication = pairs.assign(
        run_date=dt.date(2026, 6, 30),
        artist_id=tracks.loc[pairs["isrc"], "artist_id"].to_numpy(),
        rank=1,
        score=0.5,
        is_control=False,
        status=statuses,
    )
    publication.to_parquet(tmp_path / "publication.parquet", index=False)

    summary = advance_world(landing, days=2, publication=tmp_path / "publication.parquet")

    answered = pd.read_parquet(truth / "pitches.parquet")
    assert (answered["pitched"] == (answered["status"] == "sent")).all()
    assert summary.pitched == statuses.count("sent")
