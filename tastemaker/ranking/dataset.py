"""The time-based split, and the evaluation set every ranker is judged on.

The report dates are cut in three:

    | window | window | ... | window | validation fold | holdout (holdout_days) |
                               fit_until          cutoff                  as of

- training: windows of `label_window_days` before `fit_until`. In each, the new placements are
  graded 1-4 by how they went, plus a seeded sample of playlists the track was never placed in
  (grade 0), and every input (playlist profiles, popularity) comes from the reports before the
  window, as it would on the day of a pitch. So a placed pair and an unplaced pair of the same
  playlist see the same profile (a leave-one-out profile would be one track shorter for every
  positive, a skew a tree model learns), and training looks like serving.
- validation: placements in the fold before the cut-off, with profiles from before it: what
  early stopping and the hyperparameter search watch, so the holdout stays untouched.
- evaluation: every catalog track (the query), unreleased ones included, against every playlist,
  as the platform would have scored them on the cut-off day: profiles, popularity and retrieval
  from reports before the cut-off, pairs already placed before it left out. Placement grades come
  from the holdout's placements; a pair the platform's own published pitch caused is not graded
  (grade NaN), so a champion cannot rig its own exam. In a world with a truth, the caller adds
  truth gains (`ranking.evaluation.with_truth`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tastemaker.ranking import inputs, outcomes
from tastemaker.ranking.candidates import retrieve_candidates
from tastemaker.ranking.fraud import FraudRules, flag_playlists, suspect_ids

# Columns that describe the outcome, the query or the truth: never given to the model.
TARGET_COLUMNS = [
    "engagement",
    "grade",
    "is_good",
    "artist_id",
    "retrieved",
    "gain",
    "appeal",
    "appeal_without_sound",
    "window",
]
SLICES = ("all", "warm", "cold", "unreleased", "genre_missing", "new_artist")


def model_input(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs.drop(columns=[column for column in TARGET_COLUMNS if column in pairs.columns])


@dataclass(frozen=True)
class SplitSettings:
    holdout_days: int
    validation_days: int
    label_window_days: int  # training windows: inputs from before each, labels inside it
    negatives_per_query: int
    evaluation_queries: int  # at most this many query tracks are evaluated (all in the demo world)
    evaluation_playlists: int  # playlists per query; more than this are sampled, and metric names say so
    candidates_per_track: int  # retrieval as served (`score.candidates_per_track`)
    seed: int
    fraud_rules: FraudRules | None = None  # as served, playlists flagged on the cut-off day are never pitched


@dataclass
class RankingData:
    training: pd.DataFrame  # raw pair inputs + targets, grouped by query (isrc)
    validation: pd.DataFrame
    evaluation: pd.DataFrame  # raw pair inputs + grade (NaN: caused by a pitch) + retrieved + artist_id
    query_slices: pd.DataFrame  # isrc + one boolean column per slice
    cutoff: pd.Timestamp
    fit_until: pd.Timestamp
    grade_thresholds: list[float]
    sampled_playlists: int | None  # None when every query is ranked against every playlist
    playlist_flags: pd.DataFrame | None = None  # the fraud filter's verdicts on the cut-off day


def as_of_date(streams: pd.DataFrame) -> pd.Timestamp:
    """The day the data describes: the latest report date (the pipeline's clock, not the wall clock)."""
    return pd.Timestamp(streams["date"].max())


def split_by_time(
    catalog: pd.DataFrame,
    playlists: pd.DataFrame,
    streams: pd.DataFrame,
    features: pd.DataFrame,
    settings: SplitSettings,
    model_pitches: pd.DataFrame | None = None,
) -> RankingData:
    """`model_pitches` (isrc, playlist_id, run_date): pairs the platform pitched, not as control or
    exploration; holdout placements they caused are left ungraded."""
    cutoff = as_of_date(streams) - pd.Timedelta(days=settings.holdout_days)
    fit_until = cutoff - pd.Timedelta(days=settings.validation_days)
    dates = pd.to_datetime(streams["date"])
    before_fit, before_cutoff = streams[dates < fit_until], streams[dates < cutoff]
    fit_placements = outcomes.placements(before_fit, playlists)
    past = outcomes.placements(before_cutoff, playlists)
    validation_placements = _not_in(past, fit_placements)
    holdout_placements = _not_in(outcomes.placements(streams[dates >= cutoff], playlists), past)
    # Grades mean the same in every window: thresholds from every placement the model may learn from.
    thresholds = outcomes.grade_thresholds(fit_placements["engagement"])
    rng = np.random.default_rng(settings.seed)
    playlist_ids = playlists["playlist_id"].to_numpy()

    training = _windowed_training(
        catalog, playlists, streams, features, dates, fit_until, thresholds, settings, rng
    )
    fit_tracks = inputs.track_inputs(catalog, features, inputs.artist_popularity(before_fit, catalog))
    validation_pairs = _graded_with_negatives(
        validation_placements, past, thresholds, playlist_ids, settings.negatives_per_query, rng
    )
    validation = inputs.pair_inputs(
        validation_pairs,
        fit_tracks,
        playlists,
        inputs.playlist_evidence(fit_placements, fit_tracks, features, playlist_ids),
    )

    tracks = inputs.track_inputs(catalog, features, inputs.artist_popularity(before_cutoff, catalog))
    evidence = inputs.playlist_evidence(past, tracks, features, playlist_ids)
    queries = _sample(np.sort(tracks["isrc"].unique()), settings.evaluation_queries, rng)
    sampled = len(playlist_ids) > settings.evaluation_playlists
    evaluation_pairs = _evaluation_pairs(
        queries, playlist_ids, past, holdout_placements, settings.evaluation_playlists, rng
    )
    evaluation = inputs.pair_inputs(evaluation_pairs, tracks, playlists, evidence)
    flags = flag_playlists(before_cutoff, settings.fraud_rules) if settings.fraud_rules else None
    servable = playlists[~playlists["playlist_id"].isin(suspect_ids(flags) if flags is not None else set())]
    retrieved = retrieve_candidates(
        tracks[tracks["isrc"].isin(queries)],
        inputs.profile_means(evidence.sums),
        servable,
        settings.candidates_per_track,
        space=evidence.space,
    )
    evaluation = _with_evaluation_labels(
        evaluation,
        holdout_placements,
        thresholds,
        retrieved,
        catalog,
        _caused_by_pitches(holdout_placements, model_pitches),
    )
    return RankingData(
        training=training,
        validation=_with_targets(validation, validation_pairs, catalog),
        evaluation=evaluation,
        query_slices=query_slices(catalog, past, cutoff, queries),
        cutoff=cutoff,
        fit_until=fit_until,
        grade_thresholds=[float(value) for value in thresholds],
        sampled_playlists=settings.evaluation_playlists if sampled else None,
        playlist_flags=flags,
    )


def query_slices(catalog: pd.DataFrame, past: pd.DataFrame, cutoff: pd.Timestamp, queries) -> pd.DataFrame:
    """Which evaluated tracks are warm (placed before the cut-off), cold (out, never placed),
    unreleased on the cut-off day, without a catalog genre, or by an artist never placed."""
    tracks = catalog.set_index("isrc").loc[list(queries)]
    placed = tracks.index.isin(past["isrc"])
    released = pd.to_datetime(tracks["release_date"], errors="coerce").fillna(cutoff) < cutoff
    placed_artists = catalog.loc[catalog["isrc"].isin(past["isrc"]), "artist_id"].unique()
    genre = tracks["genre"].fillna("").astype(str).str.strip()
    return pd.DataFrame(
        {
            "isrc": tracks.index.to_numpy(),
            "all": True,
            "warm": placed,
            "cold": released.to_numpy() & ~placed,
            "unreleased": ~released.to_numpy(),
            "genre_missing": (genre == "").to_numpy(),
            "new_artist": ~tracks["artist_id"].isin(placed_artists).to_numpy(),
        }
    )


def _keys(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(frame[["isrc", "playlist_id"]])


def _not_in(placements: pd.DataFrame, earlier: pd.DataFrame) -> pd.DataFrame:
    return placements[~_keys(placements).isin(_keys(earlier))]


def _sample(values: np.ndarray, at_most: int, rng: np.random.Generator) -> np.ndarray:
    return values if len(values) <= at_most else np.sort(rng.choice(values, at_most, replace=False))


def _graded_with_negatives(
    placed, known_placements, thresholds, playlist_ids, negatives_per_query, rng
) -> pd.DataFrame:
    """Placed pairs graded 1..4 plus, per query, up to `negatives_per_query` playlists it was never placed in."""
    graded = placed[["isrc", "playlist_id", "engagement"]].assign(
        grade=1 + outcomes.grades(placed["engagement"], thresholds)
    )
    placed_by_track = known_placements.groupby("isrc")["playlist_id"].agg(set)
    negatives = []
    for isrc in sorted(graded["isrc"].unique()):
        unplaced = playlist_ids[~np.isin(playlist_ids, list(placed_by_track.get(isrc, set())))]
        chosen = rng.choice(unplaced, size=min(negatives_per_query, unplaced.size), replace=False)
        negatives.extend((isrc, playlist_id) for playlist_id in chosen)
    unplaced_pairs = pd.DataFrame(negatives, columns=["isrc", "playlist_id"]).assign(engagement=0.0, grade=0)
    return pd.concat([graded, unplaced_pairs], ignore_index=True)


def _windowed_training(
    catalog, playlists, streams, features, dates, fit_until, thresholds, settings, rng
) -> pd.DataFrame:
    """Training pairs of every label window before `fit_until`, each with inputs from before it.

    A window without any earlier placement is skipped: none of its pairs would have a profile.
    """
    playlist_ids = playlists["playlist_id"].to_numpy()
    first_day = dates.min()
    parts = []
    window_end = fit_until
    while window_end - pd.Timedelta(days=settings.label_window_days) > first_day:
        window_start = window_end - pd.Timedelta(days=settings.label_window_days)
        before = streams[dates < window_start]
        past = outcomes.placements(before, playlists)
        labels = _not_in(
            outcomes.placements(streams[(dates >= window_start) & (dates < window_end)], playlists), past
        )
        if len(past) and len(labels):
            pairs = _graded_with_negatives(
                labels, pd.concat([past, labels]), thresholds, playlist_ids, settings.negatives_per_query, rng
            )
            tracks = inputs.track_inputs(catalog, features, inputs.artist_popularity(before, catalog))
            evidence = inputs.playlist_evidence(past, tracks, features, playlist_ids)
            window = inputs.pair_inputs(pairs, tracks, playlists, evidence)
            parts.append(_with_targets(window, pairs, catalog).assign(window=window_start))
        window_end = window_start
    if not parts:
        return pd.DataFrame(columns=["isrc", "playlist_id", "grade", "window"])
    return pd.concat(parts[::-1], ignore_index=True)


def _evaluation_pairs(queries, playlist_ids, past, holdout_placements, per_query, rng) -> pd.DataFrame:
    """Every query against every playlist (or a sample plus its holdout placements), minus pairs placed before."""
    if len(playlist_ids) <= per_query:
        pairs = pd.DataFrame(
            {
                "isrc": np.repeat(queries, len(playlist_ids)),
                "playlist_id": np.tile(playlist_ids, len(queries)),
            }
        )
    else:
        sampled = pd.DataFrame(
            {
                "isrc": np.repeat(queries, per_query),
                "playlist_id": np.concatenate(
                    [rng.choice(playlist_ids, per_query, replace=False) for _ in queries]
                ),
            }
        )
        placed = holdout_placements.loc[holdout_placements["isrc"].isin(queries), ["isrc", "playlist_id"]]
        pairs = pd.concat([sampled, placed], ignore_index=True).drop_duplicates(ignore_index=True)
    return pairs[~_keys(pairs).isin(_keys(past))].reset_index(drop=True)


def _caused_by_pitches(holdout_placements: pd.DataFrame, model_pitches: pd.DataFrame | None) -> pd.MultiIndex:
    """Holdout placements that began on or after a published (non-control, non-random) pitch of the pair."""
    if model_pitches is None or model_pitches.empty:
        return pd.MultiIndex.from_arrays([[], []], names=["isrc", "playlist_id"])
    first_pitch = model_pitches.groupby(["isrc", "playlist_id"])["run_date"].min().map(pd.Timestamp)
    joined = holdout_placements.join(
        first_pitch.rename("first_pitch"), on=["isrc", "playlist_id"], how="inner"
    )
    caused = joined[pd.to_datetime(joined["first_date"]) >= joined["first_pitch"]]
    return _keys(caused)


def _with_evaluation_labels(
    evaluation, holdout_placements, thresholds, retrieved, catalog, caused
) -> pd.DataFrame:
    graded = holdout_placements[["isrc", "playlist_id"]].assign(
        grade=(1 + outcomes.grades(holdout_placements["engagement"], thresholds)).astype(float)
    )
    labelled = evaluation.merge(graded, on=["isrc", "playlist_id"], how="left")
    labelled["grade"] = labelled["grade"].fillna(0.0)
    labelled.loc[_keys(labelled).isin(caused), "grade"] = np.nan
    labelled["retrieved"] = _keys(labelled).isin(_keys(retrieved))
    labelled = labelled.merge(catalog[["isrc", "artist_id"]], on="isrc")
    return labelled.sort_values(["isrc", "playlist_id"], ignore_index=True).copy()


def _with_targets(frame: pd.DataFrame, graded: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    targets = graded.assign(is_good=graded["grade"] >= outcomes.GOOD_GRADE)
    joined = frame.merge(targets, on=["isrc", "playlist_id"]).merge(catalog[["isrc", "artist_id"]], on="isrc")
    return joined.sort_values(["isrc", "playlist_id"], ignore_index=True).copy()  # one block per dtype
