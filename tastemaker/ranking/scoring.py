"""Batch scoring: every track of the catalog against its retrieved candidate playlists.

Profiles and popularity use every report up to the as-of date; unreleased tracks, which have
no reports, are scored from their audio alone like any other track. Artists are scored in
batches, so memory grows with a batch, not with the catalog; when a batch fails, its artists
are retried one by one, so one artist's bad data is reported and never costs the others their
pitches.

Batches run in this process, or, given a scheduler address, as tasks on a Dask cluster: each
task gets its own pairs and tracks, while the model and the playlist tables are sent to the
workers once. A batch is scored by the same pure function either way, so results are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from tastemaker.ranking import inputs, outcomes
from tastemaker.ranking.candidates import retrieve_candidates
from tastemaker.ranking.pair_features import model_features

SCORE_COLUMNS = ["isrc", "playlist_id", "artist_id", "score"]

# A batch: its artist ids, its candidate pairs (isrc, playlist_id, artist_id) and those tracks' inputs.
Batch = tuple[list, pd.DataFrame, pd.DataFrame]
# Scores each batch; returns per batch either its scores or the exception that stopped it.
BatchRunner = Callable[[list[Batch]], list["pd.DataFrame | BaseException"]]


@dataclass
class ScoredCatalog:
    scores: pd.DataFrame  # isrc, playlist_id, artist_id, score, already_placed
    failures: pd.DataFrame  # artist_id, error


def score_catalog(
    model,
    catalog,
    playlists,
    streams,
    features,
    candidates_per_track: int,
    artists_per_batch: int = 200,
    scheduler_address: str | None = None,
) -> ScoredCatalog:
    """Scores of every track's candidates; `scheduler_address` (e.g. tcp://host:8786) runs the batches on Dask."""
    placed, tracks, evidence = scoring_inputs(catalog, playlists, streams, features)
    pairs = retrieve_candidates(
        tracks, inputs.profile_means(evidence.sums), playlists, candidates_per_track, space=evidence.space
    )
    pairs = pairs.merge(catalog[["isrc", "artist_id"]], on="isrc")
    batches = _artist_batches(pairs, tracks, artists_per_batch)
    if scheduler_address:
        from distributed import Client

        with Client(scheduler_address) as client:
            scored, failures = _score_isolating_failures(
                batches, _dask_runner(client, model, playlists, evidence)
            )
    else:
        scored, failures = _score_isolating_failures(batches, _local_runner(model, playlists, evidence))
    result = pd.concat(scored, ignore_index=True) if scored else pd.DataFrame(columns=SCORE_COLUMNS)
    placed_keys = placed.set_index(["isrc", "playlist_id"]).index
    result["already_placed"] = result.set_index(["isrc", "playlist_id"]).index.isin(placed_keys)
    return ScoredCatalog(result, pd.DataFrame(failures, columns=["artist_id", "error"]))


def scoring_inputs(
    catalog, playlists, streams, features
) -> tuple[pd.DataFrame, pd.DataFrame, inputs.PlaylistEvidence]:
    """Placements, track inputs and playlist evidence as of the last report: what every pair is scored from."""
    placed = outcomes.placements(streams, playlists)
    tracks = inputs.track_inputs(catalog, features, inputs.artist_popularity(streams, catalog))
    return (
        placed,
        tracks,
        inputs.playlist_evidence(placed, tracks, features, playlists["playlist_id"].to_numpy()),
    )


def explain_pairs(model, pairs: pd.DataFrame, catalog, playlists, streams, features) -> pd.DataFrame:
    """For `pairs` (isrc, playlist_id), row-aligned: the model's evidence-group contributions (`c_<group>`), the
    features they came from, and the placed track the sound space found nearest (`nearest_isrc`).

    The inputs are rebuilt exactly as `score_catalog` built them, so the contributions add up to the
    published scores."""
    _, tracks, evidence = scoring_inputs(catalog, playlists, streams, features)
    raw = inputs.pair_inputs(pairs[["isrc", "playlist_id"]], tracks, playlists, evidence)
    found = pairs[["isrc", "playlist_id"]].reset_index().merge(raw, on=["isrc", "playlist_id"], how="left")
    found = found.set_index("index").rename_axis(pairs.index.name)
    explained = pd.concat(
        [model_features(found, model.scaler), model.contributions(found).add_prefix("c_")], axis=1
    )
    explained["nearest_isrc"] = (
        evidence.space.nearest_placed_isrc(found)
        if evidence.space is not None
        else pd.Series(None, index=found.index, dtype=object)
    )
    return explained.reindex(pairs.index)


def score_pairs(
    model,
    pairs: pd.DataFrame,
    tracks: pd.DataFrame,
    playlists: pd.DataFrame,
    evidence: inputs.PlaylistEvidence,
) -> pd.DataFrame:
    """Scores of `pairs` (isrc, playlist_id, artist_id): pure, so a Dask worker computes what this process would."""
    raw = inputs.pair_inputs(pairs[["isrc", "playlist_id"]], tracks, playlists, evidence)
    keys = raw[["isrc", "playlist_id"]].merge(pairs, on=["isrc", "playlist_id"])
    return keys.assign(score=model.predict(raw))[SCORE_COLUMNS]


def _artist_batches(pairs: pd.DataFrame, tracks: pd.DataFrame, artists_per_batch: int) -> list[Batch]:
    """Split once by artist: isolating a failed batch later only regroups these pieces."""
    batches = []
    artists = sorted(pairs["artist_id"].unique())
    batch_of_artist = pd.Series(range(len(artists)), index=artists) // artists_per_batch
    track_rows = tracks.set_index("isrc", drop=False)
    for _, batch_pairs in pairs.groupby(pairs["artist_id"].map(batch_of_artist), sort=True):
        batch_tracks = track_rows.loc[batch_pairs["isrc"].unique()].reset_index(drop=True)
        batches.append((sorted(batch_pairs["artist_id"].unique()), batch_pairs, batch_tracks))
    return batches


def _one_per_artist(batch: Batch) -> list[Batch]:
    artists, pairs, tracks = batch
    singles = []
    for artist_id in artists:
        artist_pairs = pairs[pairs["artist_id"] == artist_id]
        singles.append(([artist_id], artist_pairs, tracks[tracks["isrc"].isin(artist_pairs["isrc"])]))
    return singles


def _score_isolating_failures(
    batches: list[Batch], run: BatchRunner
) -> tuple[list[pd.DataFrame], list[dict]]:
    scored, retry = [], []
    for batch, outcome in zip(batches, run(batches)):
        if isinstance(outcome, BaseException):
            retry.extend(_one_per_artist(batch))
        else:
            scored.append(outcome)
    failures = []
    for (artists, _, _), outcome in zip(retry, run(retry) if retry else []):
        if isinstance(outcome, BaseException):
            failures.append({"artist_id": artists[0], "error": f"{type(outcome).__name__}: {outcome}"[:500]})
        else:
            scored.append(outcome)
    return scored, failures


def _local_runner(model, playlists: pd.DataFrame, evidence: inputs.PlaylistEvidence) -> BatchRunner:
    def run(batches: list[Batch]) -> list:
        results = []
        for _, pairs, tracks in batches:
            try:
                results.append(score_pairs(model, pairs, tracks, playlists, evidence))
            except Exception as error:  # noqa: BLE001 - reported per artist by the caller
                results.append(error)
        return results

    return run


def _dask_runner(client, model, playlists: pd.DataFrame, evidence: inputs.PlaylistEvidence) -> BatchRunner:
    """Tasks on the cluster; the shared inputs are scattered once and reused by every batch and retry."""
    shared_model, shared_playlists, shared_evidence = client.scatter(
        [model, playlists, evidence], broadcast=True
    )

    def run(batches: list[Batch]) -> list:
        from distributed import wait

        futures = [
            client.submit(
                score_pairs, shared_model, pairs, tracks, shared_playlists, shared_evidence, pure=False
            )
            for _, pairs, tracks in batches
        ]
        wait(futures)
        # Collected in submission order, so the concatenated scores match a local run row for row.
        return [future.result() if future.status == "finished" else future.exception() for future in futures]

    return run
