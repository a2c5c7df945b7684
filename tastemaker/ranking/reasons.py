"""Why a pitch: reasons a label manager can read and check.

Each pitch gets, when the data allows:
- the most similar-sounding track that did well in that playlist ("sounds like ..."),
- sound attributes that match the playlist's usual tracks (tempo, mode) from the auto-tags,
- a genre match,
and always, as a floor, how close the track sounds to the playlist's profile.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from tastemaker.ranking.pair_features import cosine_similarity

WELL_PERFORMING_QUANTILE = 0.5
TEMPO_TOLERANCE = 0.06


def explain(
    pitches: pd.DataFrame,
    catalog: pd.DataFrame,
    playlists: pd.DataFrame,
    placed: pd.DataFrame,
    features: pd.DataFrame,
    tags: pd.DataFrame,
) -> pd.Series:
    """One JSON list of reason strings per pitch, aligned with `pitches`."""
    vectors = _standardised(features)
    titles = catalog.set_index("isrc")[["title", "artist_name", "genre"]]
    playlist_genre = playlists.set_index("playlist_id")["genre"]
    tag_index = tags.set_index("isrc") if not tags.empty else None
    good = placed[placed["engagement"] >= placed["engagement"].quantile(WELL_PERFORMING_QUANTILE)]
    good_by_playlist = {playlist_id: group for playlist_id, group in good.groupby("playlist_id")}
    placed_by_playlist = {playlist_id: group["isrc"].tolist() for playlist_id, group in placed.groupby("playlist_id")}
    reasons = []
    for row in pitches.itertuples(index=False):
        found = []
        performer = good_by_playlist.get(row.playlist_id)
        if performer is not None:
            found.extend(_sounds_like(row.isrc, performer, vectors, titles))
        if tag_index is not None:
            found.extend(_matching_attributes(row.isrc, placed_by_playlist.get(row.playlist_id, []), tag_index))
        genre = titles["genre"].get(row.isrc)
        if isinstance(genre, str) and genre and genre == playlist_genre.get(row.playlist_id):
            found.append(f"genre match: {genre}")
        found.append(_profile_closeness(row.isrc, placed_by_playlist.get(row.playlist_id, []), vectors))
        reasons.append(json.dumps(found))
    return pd.Series(reasons, index=pitches.index, name="reasons")


def _standardised(features: pd.DataFrame) -> pd.DataFrame:
    values = features.set_index("isrc").astype(float)
    spread = values.std(ddof=0).replace(0, 1.0)
    return (values - values.mean()) / spread


def _sounds_like(isrc, performers: pd.DataFrame, vectors: pd.DataFrame, titles: pd.DataFrame) -> list[str]:
    others = performers[(performers["isrc"] != isrc) & performers["isrc"].isin(vectors.index)]
    if others.empty or isrc not in vectors.index:
        return []
    candidates = vectors.loc[others["isrc"]].to_numpy()
    similarity = cosine_similarity(np.broadcast_to(vectors.loc[isrc].to_numpy(), candidates.shape), candidates)
    best = int(np.nanargmax(similarity))
    match = others.iloc[best]
    title, artist = titles.loc[match["isrc"], ["title", "artist_name"]]
    save_rate = match["saves"] / max(match["streams"], 1)
    return [f"sounds like '{title}' by {artist} (similarity {similarity[best]:.2f}), "
            f"saved by {save_rate:.1%} of its streams in this playlist"]


def _matching_attributes(isrc, playlist_tracks: list[str], tags: pd.DataFrame) -> list[str]:
    known = [track for track in playlist_tracks if track in tags.index and track != isrc]
    if not known or isrc not in tags.index:
        return []
    own, usual = tags.loc[isrc], tags.loc[known]
    found = []
    typical_bpm = float(usual["bpm"].median())
    if typical_bpm > 0 and abs(own["bpm"] - typical_bpm) / typical_bpm <= TEMPO_TOLERANCE:
        found.append(f"tempo {own['bpm']:.0f} BPM, like the playlist's usual {typical_bpm:.0f} BPM")
    usual_mode = usual["mode"].mode()
    if not usual_mode.empty and own["mode"] == usual_mode.iloc[0] and (usual["mode"] == own["mode"]).mean() >= 0.6:
        found.append(f"{own['mode']} mode, like {(usual['mode'] == own['mode']).mean():.0%} of the playlist")
    return found


def _profile_closeness(isrc, playlist_tracks: list[str], vectors: pd.DataFrame) -> str:
    known = [track for track in playlist_tracks if track in vectors.index and track != isrc]
    if not known or isrc not in vectors.index:
        return "the playlist has no history yet: pitched on the model's score alone"
    profile = vectors.loc[known].mean().to_numpy()[None, :]
    closeness = float(cosine_similarity(vectors.loc[[isrc]].to_numpy(), profile)[0])
    return f"overall sound close to the playlist's profile (cosine {closeness:.2f} over {len(known)} tracks)"
