"""Embeddings, the ANN index, similar artists and the `similar` command, on features with known clusters."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tastemaker.audio import SimilarityIndex, build_index, similar_artists, track_embeddings
from tastemaker.audio.cli import DEEP_EMBEDDING_FILE, FEATURES_FILE, INDEX_FILE, similar_command
from tastemaker.audio.embedding import deep_track_embeddings, embedding_columns
from tastemaker.errors import UserError

COLUMNS = ["tempo_bpm", "onset_rate", "spectral_centroid_mean", "rms_mean", "mfcc_01_mean", "mfcc_02_mean"]


def clustered_features(clusters: int = 3, per_cluster: int = 6, seed: int = 0) -> pd.DataFrame:
    """Tracks scattered tightly around `clusters` distant centres; track i of cluster c is T{c}{i}."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 10, size=(clusters, len(COLUMNS))) + np.array([120, 20, 50, 20, 0, 0])
    rows = []
    for c in range(clusters):
        for i in range(per_cluster):
            values = centres[c] + rng.normal(0, 0.5, size=len(COLUMNS))
            rows.append({"isrc": f"T{c}{i}", **dict(zip(COLUMNS, values)), "dynamic_range_db": 12.0})
    return pd.DataFrame(rows)


def catalog_for(features: pd.DataFrame) -> pd.DataFrame:
    """Two artists per cluster: A{c}a gets the first half of cluster c's tracks, A{c}b the rest."""
    isrc = features["isrc"]
    half = np.where(isrc.str[2].astype(int) < 3, "a", "b")
    artist_id = "A" + isrc.str[1] + half
    return pd.DataFrame(
        {"isrc": isrc, "artist_id": artist_id, "artist_name": "Name " + artist_id, "title": "Song " + isrc}
    )


def test_embeddings_are_unit_length_and_constant_columns_add_nothing():
    features = clustered_features()
    isrcs, vectors = track_embeddings(features)
    assert isrcs[0] == "T00" and vectors.shape == (18, len(COLUMNS) + 2)  # + dynamic_range_db + anchor
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.all(vectors[:, embedding_columns(features).index("dynamic_range_db")] == 0)


def test_columns_outside_the_style_families_do_not_change_embeddings():
    features = clustered_features()
    with_chroma = features.assign(chroma_C_mean=np.random.default_rng(3).random(len(features)))
    np.testing.assert_array_equal(track_embeddings(features)[1], track_embeddings(with_chroma)[1])


def test_a_family_weighs_the_same_whatever_its_column_count():
    features = clustered_features()
    timbre = {f"mfcc_{i:02d}_mean": features["mfcc_01_mean"] * (i + 1) for i in range(3, 13)}
    widened = features.assign(**timbre)
    _, narrow = track_embeddings(features)
    _, wide = track_embeddings(widened)
    # Ten more timbre columns must not drown the tempo dimension (column 0).
    assert np.mean(np.abs(wide[:, 0])) > 0.8 * np.mean(np.abs(narrow[:, 0]))


def test_an_average_sounding_track_is_nearest_to_other_average_tracks():
    """Without the anchor coordinate, a track at the catalog mean would have an arbitrary direction."""
    rng = np.random.default_rng(4)
    values = np.vstack([rng.normal(0, 0.05, (5, len(COLUMNS))), rng.normal(0, 3, (20, len(COLUMNS)))])
    features = pd.DataFrame(values + 50, columns=COLUMNS).assign(isrc=[f"N{i:02d}" for i in range(25)])
    neighbours = build_index(*track_embeddings(features)).similar_tracks("N00", k=4)
    assert set(neighbours["isrc"]) == {"N01", "N02", "N03", "N04"}


def test_nearest_tracks_come_from_the_same_cluster_and_exclude_the_query():
    index = build_index(*track_embeddings(clustered_features()))
    neighbours = index.similar_tracks("T13", k=5)
    assert len(neighbours) == 5 and "T13" not in set(neighbours["isrc"])
    assert set(neighbours["isrc"].str[1]) == {"1"}
    assert neighbours["similarity"].is_monotonic_decreasing
    assert neighbours["similarity"].between(-1.0001, 1.0001).all()


def test_asking_for_more_neighbours_than_tracks_returns_all_others():
    index = build_index(*track_embeddings(clustered_features(clusters=1, per_cluster=4)))
    assert sorted(index.similar_tracks("T00", k=50)["isrc"]) == ["T01", "T02", "T03"]


def test_a_saved_index_answers_like_the_original(tmp_path: Path):
    index = build_index(*track_embeddings(clustered_features()))
    index.save(tmp_path / "sim.voy")
    loaded = SimilarityIndex.load(tmp_path / "sim.voy")
    pd.testing.assert_frame_equal(loaded.similar_tracks("T21", 4), index.similar_tracks("T21", 4))


def test_similar_artists_pairs_the_two_artists_of_each_cluster():
    features = clustered_features()
    table = similar_artists(features, catalog_for(features), k=2)
    assert list(table.columns) == ["artist_id", "similar_artist_id", "similarity", "rank"]
    closest = table.loc[table["rank"] == 1].set_index("artist_id")["similar_artist_id"].to_dict()
    assert closest == {"A0a": "A0b", "A0b": "A0a", "A1a": "A1b", "A1b": "A1a", "A2a": "A2b", "A2b": "A2a"}
    assert (table["artist_id"] != table["similar_artist_id"]).all()
    assert table.groupby("artist_id")["rank"].apply(list).map(lambda r: r == [1, 2]).all()


@pytest.fixture
def features_dir(tmp_path: Path) -> Path:
    features = clustered_features()
    features.to_parquet(tmp_path / FEATURES_FILE)
    build_index(*track_embeddings(features)).save(tmp_path / INDEX_FILE)
    return tmp_path


def test_similar_command_prints_json_track_neighbours(features_dir: Path, capsys):
    catalog = catalog_for(clustered_features())
    similar_command("T05", None, 3, True, features_dir, catalog)
    rows = json.loads(capsys.readouterr().out)
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert all(r["isrc"].startswith("T0") and r["title"] == f"Song {r['isrc']}" for r in rows)


def test_similar_command_finds_an_artist_by_name(features_dir: Path, capsys):
    catalog = catalog_for(clustered_features())
    similar_command(None, "name a2a", 1, True, features_dir, catalog)
    assert json.loads(capsys.readouterr().out)[0]["similar_artist_id"] == "A2b"


def test_similar_command_prints_a_table(features_dir: Path, capsys):
    similar_command("T10", None, 2, False, features_dir, catalog_for(clustered_features()))
    assert "Tracks that sound like T10" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("track", "artist", "message"),
    [
        ("NOPE", None, "unknown track"),
        (None, "Nobody", "unknown artist"),
        (None, None, "exactly one"),
        ("T00", "A0a", "exactly one"),
    ],
)
def test_similar_command_refuses_unknown_or_ambiguous_queries(features_dir: Path, track, artist, message):
    with pytest.raises(UserError, match=message):
        similar_command(track, artist, 3, False, features_dir, catalog_for(clustered_features()))


def test_no_tracks_give_an_empty_embedding_matrix_and_index():
    isrcs, vectors = track_embeddings(clustered_features().iloc[:0])
    assert isrcs == [] and vectors.shape[0] == 0
    assert build_index(isrcs, vectors).keys == []


def clustered_deep_embedding(clusters: int = 3, per_cluster: int = 6, seed: int = 1) -> pd.DataFrame:
    """200-d deep embeddings around distant centres sharing a large common offset, as musicnn's do;
    isrcs as in clustered_features, but cluster c here is cluster (c + 1) % 3 there."""
    rng = np.random.default_rng(seed)
    offset = rng.normal(0, 20, size=200)
    centres = offset + rng.normal(0, 3, size=(clusters, 200))
    rows = []
    for c in range(clusters):
        for i in range(per_cluster):
            vector = centres[(c + 1) % clusters] + rng.normal(0, 0.3, size=200)
            rows.append({"isrc": f"T{c}{i}", **{f"deep_emb_{j:03d}": v for j, v in enumerate(vector)}})
    return pd.DataFrame(rows)


def test_deep_embeddings_are_centred_so_a_shared_offset_does_not_make_everything_alike():
    _, vectors = deep_track_embeddings(clustered_deep_embedding())
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    same, other = vectors[0] @ vectors[1], vectors[0] @ vectors[6]
    assert same > 0.9 and other < 0.2


def test_similar_command_can_search_by_the_deep_embedding(features_dir: Path, capsys):
    """Built from the deep table alone (no saved deep index here), with neighbours of its own clusters."""
    clustered_deep_embedding().to_parquet(features_dir / DEEP_EMBEDDING_FILE)
    catalog = catalog_for(clustered_features())
    similar_command("T05", None, 3, True, features_dir, catalog, embedding="deep")
    assert all(r["isrc"].startswith("T0") for r in json.loads(capsys.readouterr().out))
    similar_command(None, "A0a", 1, True, features_dir, catalog, embedding="deep")
    assert json.loads(capsys.readouterr().out)[0]["similar_artist_id"] == "A0b"


def test_similar_command_by_deep_embedding_without_its_table_is_one_line(features_dir: Path):
    with pytest.raises(UserError, match="deep_tagger"):
        similar_command(
            "T05", None, 3, True, features_dir, catalog_for(clustered_features()), embedding="deep"
        )
