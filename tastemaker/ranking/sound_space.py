"""A learned space where a track's sound lands near the playlists whose audiences take to it.

Content-based recommendation that predicts collaborative signal from audio: partial least squares
(scikit-learn's PLSRegression) between the tracks' standardised audio features and where they
were placed (one column per playlist, the placement's engagement plus one where placed, 0
elsewhere). Its latent directions are the combinations of audio descriptors that best explain
which audiences took a track, so from the audio alone, an unreleased track gets:

- `s_affinity`: the predicted placement outcome of the pair, read off the fitted regression;
- `s_nearest_similarity` and `s_nearest_engagement`: how close, in the latent space, the track is
  to the nearest track the playlist already played, and how that track did there (the evidence
  behind "sounds like X, which this playlist's listeners saved").

The space is fitted on placements known at the as-of date of the inputs it feeds, like playlist
profiles, so it never sees the outcome it is asked about.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cross_decomposition import PLSRegression

COMPONENTS = 12
MIN_PLACED_TRACKS = 8  # below this the space is not fitted: its inputs stay missing
SOUND_SPACE_COLUMNS = ["s_affinity", "s_nearest_similarity", "s_nearest_engagement"]


@dataclass
class SoundSpace:
    audio_columns: list[str]  # t_* columns, in the order the regression reads them
    means: np.ndarray
    stds: np.ndarray
    regression: PLSRegression
    playlist_ids: np.ndarray
    placed_latent: pd.DataFrame  # per placement: playlist_id, isrc, engagement, latent coordinates

    def standardise(self, tracks: pd.DataFrame) -> np.ndarray:
        values = (tracks[self.audio_columns].to_numpy(dtype=float) - self.means) / self.stds
        return np.nan_to_num(values)

    def latent(self, tracks: pd.DataFrame) -> np.ndarray:
        return _unit_rows(self.regression.transform(self.standardise(tracks)))

    def pair_inputs(self, pairs: pd.DataFrame) -> pd.DataFrame:
        """The sound-space inputs of `pairs` (isrc, playlist_id and the track's t_* columns), row-aligned."""
        if pairs.empty:  # e.g. no validation fold (train.validation_days = 0): the regression refuses no rows
            return pd.DataFrame(columns=SOUND_SPACE_COLUMNS, index=pairs.index, dtype=float)
        tracks = pairs.drop_duplicates("isrc")
        track_row = pd.Index(tracks["isrc"]).get_indexer(pairs["isrc"])
        predicted = self.regression.predict(self.standardise(tracks))
        playlist_column = pd.Index(self.playlist_ids).get_indexer(pairs["playlist_id"])
        known = playlist_column >= 0
        affinity = np.full(len(pairs), np.nan)
        affinity[known] = predicted[track_row[known], playlist_column[known]]
        nearest = self._nearest_placed(pairs)
        return pd.DataFrame(
            {
                "s_affinity": affinity,
                "s_nearest_similarity": nearest["similarity"],
                "s_nearest_engagement": nearest["engagement"],
            },
            index=pairs.index,
        )

    def nearest_placed_isrc(self, pairs: pd.DataFrame) -> pd.Series:
        """Per pair, the playlist's placed track nearest in this space (the one `s_nearest_*` describe)."""
        return pd.Series(self._nearest_placed(pairs)["isrc"], index=pairs.index, dtype=object)

    def _nearest_placed(self, pairs: pd.DataFrame) -> dict[str, np.ndarray]:
        tracks = pairs.drop_duplicates("isrc")
        latent = self.latent(tracks)[pd.Index(tracks["isrc"]).get_indexer(pairs["isrc"])]
        playlist_ids = pairs["playlist_id"].to_numpy()
        similarity = np.full(len(playlist_ids), np.nan)
        engagement = np.full(len(playlist_ids), np.nan)
        isrc = np.full(len(playlist_ids), None, dtype=object)
        coordinates = [column for column in self.placed_latent.columns if column.startswith("z")]
        for playlist_id, placed in self.placed_latent.groupby("playlist_id", sort=False):
            rows = np.flatnonzero(playlist_ids == playlist_id)
            if not len(rows):
                continue
            cosines = latent[rows] @ placed[coordinates].to_numpy().T
            nearest = np.argmax(cosines, axis=1)
            similarity[rows] = cosines[np.arange(len(rows)), nearest]
            engagement[rows] = placed["engagement"].to_numpy()[nearest]
            isrc[rows] = placed["isrc"].to_numpy()[nearest]
        return {"similarity": similarity, "engagement": engagement, "isrc": isrc}


def fit_sound_space(
    tracks: pd.DataFrame, placements: pd.DataFrame, playlist_ids: np.ndarray
) -> SoundSpace | None:
    """Fit on the placed tracks' audio (`tracks`: isrc + t_* columns) and `placements` (isrc, playlist_id, engagement)."""
    audio_columns = [
        column
        for column in tracks.columns
        if column.startswith("t_")
        and pd.api.types.is_float_dtype(tracks[column])
        and column != "t_artist_popularity"
    ]
    placed = placements[
        placements["isrc"].isin(tracks["isrc"]) & placements["playlist_id"].isin(playlist_ids)
    ]
    placed_tracks = tracks[tracks["isrc"].isin(placed["isrc"])].drop_duplicates("isrc").reset_index(drop=True)
    if len(placed_tracks) < MIN_PLACED_TRACKS:
        return None
    values = placed_tracks[audio_columns].to_numpy(dtype=float)
    means = np.nanmean(values, axis=0)
    stds = np.nanstd(values, axis=0)
    stds = np.where(stds > 0, stds, 1.0)
    targets = np.zeros((len(placed_tracks), len(playlist_ids)))
    rows = pd.Index(placed_tracks["isrc"]).get_indexer(placed["isrc"])
    columns = pd.Index(playlist_ids).get_indexer(placed["playlist_id"])
    targets[rows, columns] = 1.0 + placed["engagement"].to_numpy(dtype=float)
    components = min(COMPONENTS, len(placed_tracks) - 1, len(audio_columns), len(playlist_ids))
    regression = PLSRegression(n_components=components, scale=False)
    regression.fit(np.nan_to_num((values - means) / stds), targets)
    space = SoundSpace(audio_columns, means, stds, regression, np.asarray(playlist_ids), pd.DataFrame())
    latent = space.latent(placed_tracks)
    space.placed_latent = pd.DataFrame(
        latent[rows], columns=[f"z{i}" for i in range(latent.shape[1])]
    ).assign(
        playlist_id=placed["playlist_id"].to_numpy(),
        engagement=placed["engagement"].to_numpy(dtype=float),
        isrc=placed["isrc"].to_numpy(),
    )
    return space


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
