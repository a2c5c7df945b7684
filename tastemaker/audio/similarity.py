"""Nearest neighbours among tracks, and among artists, in embedding space (voyager ANN index, cosine)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import voyager

from tastemaker.audio.embedding import track_embeddings


class SimilarityIndex:
    """An ANN index whose integer ids are positions in `keys` (track ISRCs or artist ids)."""

    def __init__(self, index: voyager.Index, keys: list[str]):
        self._index = index
        self.keys = keys
        self._position = {key: i for i, key in enumerate(keys)}

    def __contains__(self, key: str) -> bool:
        return key in self._position

    def similar(self, key: str, k: int) -> pd.DataFrame:
        """The k nearest other items to `key`: columns key, similarity (cosine, highest first)."""
        position = self._position[key]
        neighbours = min(k + 1, len(self.keys))
        if neighbours < 2:
            return pd.DataFrame({"key": pd.Series(dtype="string"), "similarity": pd.Series(dtype="float64")})
        ids, distances = self._index.query(self._index.get_vector(position), k=neighbours)
        found = [(self.keys[i], 1.0 - float(d)) for i, d in zip(ids, distances) if i != position][:k]
        return pd.DataFrame(found, columns=["key", "similarity"])

    def similar_tracks(self, isrc: str, k: int) -> pd.DataFrame:
        """The k tracks that sound most like `isrc`: columns isrc, similarity."""
        return self.similar(isrc, k).rename(columns={"key": "isrc"})

    def save(self, path: Path) -> None:
        """Write the index to `path` and its keys, one per line, next to it (`<stem>.keys.txt`)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._index.save(str(path))
        _keys_path(path).write_text("\n".join(self.keys) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> SimilarityIndex:
        path = Path(path)
        keys = _keys_path(path).read_text(encoding="utf-8").splitlines()
        return cls(voyager.Index.load(str(path)), keys)


def build_index(keys: list[str], embeddings: np.ndarray) -> SimilarityIndex:
    """Index L2-normalised embeddings (one row per key) for cosine nearest-neighbour queries."""
    dimensions = embeddings.shape[1] if embeddings.ndim == 2 and embeddings.shape[1] else 1
    index = voyager.Index(voyager.Space.Cosine, num_dimensions=dimensions, random_seed=0)
    if len(keys):
        # voyager reads the buffer row by row; a column-major array (as pandas hands out) would be garbled.
        rows = np.ascontiguousarray(embeddings, dtype=np.float32)
        index.add_items(rows, ids=list(range(len(keys))))
    return SimilarityIndex(index, list(keys))


def similar_artists(features: pd.DataFrame, catalog: pd.DataFrame, k: int) -> pd.DataFrame:
    """Every artist's k closest artists by the hand-made features' embedding (see `similar_artists_by`)."""
    return similar_artists_by(*track_embeddings(features), catalog, k)


def similar_artists_by(
    isrcs: list[str], embeddings: np.ndarray, catalog: pd.DataFrame, k: int
) -> pd.DataFrame:
    """Every artist's k closest artists: artist_id, similar_artist_id, similarity, rank (1 = closest).

    An artist is the normalised mean of their tracks' embeddings (one row per isrc), so a prolific artist
    weighs no more than a newcomer. Tracks without an artist in `catalog` (columns isrc, artist_id) are
    ignored.
    """
    artist_of = catalog.drop_duplicates("isrc").set_index("isrc")["artist_id"].astype(str)
    tracks = pd.DataFrame(embeddings).assign(artist_id=pd.Series(isrcs).map(artist_of).to_numpy())
    centroids = tracks.dropna(subset=["artist_id"]).groupby("artist_id", sort=True).mean()
    vectors = centroids.to_numpy(dtype=np.float32)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    index = build_index(centroids.index.astype(str).tolist(), vectors)
    tables = []
    for artist_id in index.keys:
        neighbours = index.similar(artist_id, k).rename(columns={"key": "similar_artist_id"})
        tables.append(neighbours.assign(artist_id=artist_id, rank=np.arange(1, len(neighbours) + 1)))
    columns = ["artist_id", "similar_artist_id", "similarity", "rank"]
    return pd.concat(tables, ignore_index=True)[columns] if tables else pd.DataFrame(columns=columns)


def _keys_path(index_path: Path) -> Path:
    return index_path.with_name(f"{index_path.stem}.keys.txt")
