"""Auto-tags and neighbours against a generated world's hidden truth (tempo, mode, sub-style per track)."""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tastemaker.audio import FeaturesParams, build_index, extract_features, track_embeddings
from tastemaker.world import generate_world, truth_dir_for


def analyse_tiny_world(root: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(features, tags, truth) of every track of a freshly generated tiny world."""
    landing = root / "tiny"
    generate_world(landing, preset="tiny", seed=0)
    catalog = pd.read_csv(landing / "catalog.csv")
    paths = [landing / "audio" / relative for relative in catalog["audio_file"]]
    tracks = pd.DataFrame(
        {
            "isrc": catalog["isrc"],
            "path": [str(p) for p in paths],
            "md5": [hashlib.md5(p.read_bytes()).hexdigest() for p in paths],
        }
    )
    result = extract_features(tracks, FeaturesParams(workers=1), root / "cache")  # a pool would not pay off
    assert result.failures.empty
    truth = pd.read_parquet(truth_dir_for(landing) / "tracks.parquet").set_index("isrc")
    return result.features, result.tags.set_index("isrc"), truth.loc[result.tags["isrc"]]


def tempo_agreement(tags: pd.DataFrame, truth: pd.DataFrame) -> float:
    """Share of tracks whose bpm is within 4% of the true tempo, its double or its half."""
    ratio = tags["bpm"].to_numpy() / truth["tempo_bpm"].to_numpy()
    return float(np.mean(np.min(np.abs(np.stack([ratio, 2 * ratio, ratio / 2]) - 1), axis=0) < 0.04))


def substyle_share_of_neighbours(features: pd.DataFrame, truth: pd.DataFrame, k: int) -> float:
    """Mean share of each track's k nearest tracks that have its sub-style (what the sound carries)."""
    index = build_index(*track_embeddings(features))
    substyle = truth["substyle"]
    shares = [
        np.mean(substyle[index.similar_tracks(isrc, k)["isrc"]].to_numpy() == substyle[isrc])
        for isrc in features["isrc"]
    ]
    return float(np.mean(shares))


def chance_of_same_substyle(truth: pd.DataFrame) -> float:
    return float((truth["substyle"].value_counts(normalize=True) ** 2).sum())


@pytest.fixture(scope="module")
def tiny_world(tmp_path_factory):
    return analyse_tiny_world(tmp_path_factory.mktemp("tiny"))


def test_tiny_world_tags_match_the_truth(tiny_world):
    _, tags, truth = tiny_world
    assert tempo_agreement(tags, truth) >= 0.9
    assert np.mean(tags["mode"].to_numpy() == truth["mode"].to_numpy()) >= 0.8


def test_tiny_world_nearest_track_usually_shares_the_substyle(tiny_world):
    # Tiny sub-styles hold a handful of tracks, so only the very nearest neighbour is a fair test here.
    features, _, truth = tiny_world
    assert substyle_share_of_neighbours(features, truth, k=1) >= 0.8


@pytest.mark.slow
def test_demo_world_tags_and_neighbours_match_the_truth(demo_taken_in: Path):
    """On what the features stage built for the demo world's accepted tracks."""
    built = demo_taken_in / "data" / "features"
    features = pd.read_parquet(built / "track_features.parquet")
    tags = pd.read_parquet(built / "auto_tags.parquet").set_index("isrc")
    truth = pd.read_parquet(truth_dir_for(demo_taken_in / "data" / "landing") / "tracks.parquet")
    truth = truth.set_index("isrc").loc[tags.index]
    assert tempo_agreement(tags, truth) >= 0.9
    assert np.mean(tags["mode"].to_numpy() == truth["mode"].to_numpy()) >= 0.8
    # 18 sub-styles, several of them close across genres: well above chance, far from perfect.
    assert substyle_share_of_neighbours(features, truth, k=10) >= 4 * chance_of_same_substyle(truth)
