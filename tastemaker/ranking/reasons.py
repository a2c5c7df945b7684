"""Why a pitch: reasons a label manager can read and check.

Each pitch gets, when the data allows:
- the most similar-sounding track that did well in that playlist ("sounds like ..."),
- sound attributes that match the playlist's usual tracks (tempo, mode) from the auto-tags,
- a genre match,
and always, as a floor, how close the track sounds to the playlist's profile.

Every statistic is computed once per playlist and looked up per pitch, so explaining a whole
catalog's pitches costs a few matrix products per playlist, not a search per pitch. Pitches
never pair a track with a playlist it is already in, so a playlist's usual tempo, mode and
profile are taken over all its placed tracks.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from tastemaker.ranking.candidates import unit_rows

WELL_PERFORMING_QUANTILE = 0.5
TEMPO_TOLERANCE = 0.06
MODE_MAJORITY = 0.6


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
    row_of = pd.Series(np.arange(len(features)), index=features["isrc"].to_numpy())
    known = placed[placed["isrc"].isin(row_of.index)]
    reason_columns = [
        _sounds_like(pitches, known, vectors, row_of, catalog),
        *_matching_attributes(pitches, placed, tags),
        _genre_match(pitches, catalog, playlists),
        _profile_closeness(pitches, known, vectors, row_of),
    ]
    reasons = [json.dumps([reason for reason in found if reason]) for found in zip(*reason_columns)]
    return pd.Series(reasons, index=pitches.index, name="reasons", dtype=object)


def _standardised(features: pd.DataFrame) -> np.ndarray:
    values = features.drop(columns="isrc").to_numpy(dtype=float)
    spread = np.nanstd(values, axis=0)
    return (values - np.nanmean(values, axis=0)) / np.where(spread > 0, spread, 1.0)


def _sounds_like(pitches, known, vectors, row_of, catalog) -> list[str | None]:
    """Per playlist, its pitched tracks against its well-performing ones in one product; the best other one wins."""
    good = known[known["engagement"] >= known["engagement"].quantile(WELL_PERFORMING_QUANTILE)]
    good = good.reset_index(drop=True)
    units = unit_rows(vectors)
    good_rows = row_of[good["isrc"]].to_numpy()
    pitch_rows = row_of.reindex(pitches["isrc"]).fillna(-1).to_numpy(dtype=int)
    good_by_playlist = good.groupby("playlist_id", sort=False).indices
    best_match = np.full(len(pitches), -1)
    best_similarity = np.full(len(pitches), np.nan)
    for playlist_id, positions in pitches.groupby("playlist_id", sort=False).indices.items():
        performers = good_by_playlist.get(playlist_id)
        positions = positions[pitch_rows[positions] >= 0]
        if performers is None or positions.size == 0:
            continue
        rows = pitch_rows[positions]
        similarity = units[rows] @ units[good_rows[performers]].T
        similarity[rows[:, None] == good_rows[performers][None, :]] = -np.inf  # never "sounds like itself"
        similarity[~units[rows].any(axis=1)] = -np.inf
        best = similarity.argmax(axis=1)
        best_value = similarity[np.arange(len(positions)), best]
        found = np.isfinite(best_value)
        best_match[positions[found]] = performers[best[found]]
        best_similarity[positions[found]] = best_value[found]
    titles = catalog.set_index("isrc")[["title", "artist_name"]].reindex(good["isrc"])
    title_of, artist_of = titles["title"].to_numpy(dtype=object), titles["artist_name"].to_numpy(dtype=object)
    save_rates = (good["saves"] / good["streams"].clip(lower=1)).to_numpy(dtype=float)
    return [f"sounds like '{title_of[match]}' by {artist_of[match]} "
            f"(similarity {similarity:.2f}), saved by {save_rates[match]:.1%} of its streams in this playlist"
            if match >= 0 else None
            for match, similarity in zip(best_match, best_similarity)]


def _matching_attributes(pitches, placed, tags) -> tuple[list[str | None], list[str | None]]:
    """Tempo within a few percent of the playlist's median, and the mode most of its tracks share."""
    nothing = [None] * len(pitches)
    if tags.empty:
        return nothing, nothing
    usual = placed[["isrc", "playlist_id"]].merge(tags[["isrc", "bpm", "mode"]], on="isrc")
    typical_bpm = usual.groupby("playlist_id")["bpm"].median()
    mode_share = usual.groupby(["playlist_id", "mode"]).size() / usual.groupby("playlist_id").size()
    own = pitches[["isrc", "playlist_id"]].merge(tags[["isrc", "bpm", "mode"]], on="isrc", how="left")
    typical = own["playlist_id"].map(typical_bpm).to_numpy(dtype=float, na_value=np.nan)
    own_bpm = own["bpm"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        tempo_close = (typical > 0) & (np.abs(own_bpm - typical) / typical <= TEMPO_TOLERANCE)
    share = mode_share.reindex(pd.MultiIndex.from_frame(own[["playlist_id", "mode"]])).to_numpy(na_value=0.0)
    tempo = [f"tempo {bpm:.0f} BPM, like the playlist's usual {usual_bpm:.0f} BPM" if close else None
             for bpm, usual_bpm, close in zip(own_bpm, typical, tempo_close)]
    mode = [f"{own_mode} mode, like {fraction:.0%} of the playlist" if fraction >= MODE_MAJORITY else None
            for own_mode, fraction in zip(own["mode"], share)]
    return tempo, mode


def _genre_match(pitches, catalog, playlists) -> list[str | None]:
    track_genre = pitches["isrc"].map(catalog.set_index("isrc")["genre"]).astype(object)
    playlist_genre = pitches["playlist_id"].map(playlists.set_index("playlist_id")["genre"]).astype(object)
    return [f"genre match: {genre}" if isinstance(genre, str) and genre and genre == other else None
            for genre, other in zip(track_genre, playlist_genre)]


def _profile_closeness(pitches, known, vectors, row_of) -> list[str]:
    """The cosine between the track and the mean sound of the playlist's placed tracks."""
    members = known.drop_duplicates(["isrc", "playlist_id"])
    profiles = pd.DataFrame(np.nan_to_num(vectors[row_of[members["isrc"]].to_numpy()]))
    profiles = profiles.groupby(members["playlist_id"].to_numpy()).mean()
    sizes = members.groupby("playlist_id").size()
    has_profile = pitches["playlist_id"].isin(profiles.index).to_numpy() & pitches["isrc"].isin(row_of.index).to_numpy()
    closeness = np.full(len(pitches), np.nan)
    if has_profile.any():
        track_units = unit_rows(vectors[row_of[pitches["isrc"][has_profile]].to_numpy()])
        profile_units = unit_rows(profiles.loc[pitches["playlist_id"][has_profile]].to_numpy())
        closeness[has_profile] = np.einsum("ij,ij->i", track_units, profile_units)
    counts = pitches["playlist_id"].map(sizes).fillna(0).to_numpy(dtype=int)
    return [f"overall sound close to the playlist's profile (cosine {value:.2f} over {count} tracks)" if found
            else "the playlist has no history yet: pitched on the model's score alone"
            for value, count, found in zip(closeness, counts, has_profile)]
