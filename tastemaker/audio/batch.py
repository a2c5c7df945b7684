"""The features stage: analyse every track whose audio is not in the cache yet, and return all results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tastemaker.audio.cache import FeatureCache
from tastemaker.audio.deep_tags import embedding_columns, summary_tags, tag_columns
from tastemaker.audio.extract import TAG_COLUMNS, feature_columns
from tastemaker.audio.parallel import Job, run_chunks
from tastemaker.audio.params import FeaturesParams, feature_set_version
from tastemaker.audio.tagger import EMBEDDING_SIZE, load_tagger, resolve_model, tag_names
from tastemaker.errors import UserError

REQUIRED_TRACK_COLUMNS = ("isrc", "path", "md5")


@dataclass
class FeatureResult:
    features: pd.DataFrame  # isrc + float feature columns in feature_columns() order
    tags: pd.DataFrame  # isrc + TAG_COLUMNS
    failures: pd.DataFrame  # isrc, path, error
    cache_hits: int  # tracks served from the cache
    analysed: int  # tracks analysed in this run (successfully or not)
    deep_tags: pd.DataFrame  # isrc + one probability per tagger tag (just isrc without the deep tagger)
    deep_embedding: pd.DataFrame  # isrc + the tagger's 200-d embedding (just isrc without it)


def extract_features(
    tracks: pd.DataFrame,
    params: FeaturesParams,
    cache_dir: Path,
    scheduler_address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FeatureResult:
    """Features and tags for every track, analysing only audio (by md5) the cache has not seen.

    Tracks sharing the same audio are analysed once.
    `progress(done, total)` counts tracks, cache hits included.
    With the deep tagger on, its model is opened first: a missing or corrupt file stops the stage here.
    """
    missing = [c for c in REQUIRED_TRACK_COLUMNS if c not in tracks.columns]
    if missing:
        raise UserError(f"tracks table lacks column(s): {', '.join(missing)}")
    if params.deep_tagger:
        load_tagger(params.tagger_model)
    tracks = tracks.astype({"isrc": "string", "path": "string", "md5": "string"})
    cache = FeatureCache(Path(cache_dir), feature_set_version(params))
    cached = cache.load()
    is_hit = tracks["md5"].isin(cached["md5"])
    total, done = len(tracks), int(is_hit.sum())
    if progress:
        progress(done, total)

    to_analyse = tracks.loc[~is_hit].drop_duplicates("md5")
    jobs: list[Job] = list(zip(to_analyse["md5"].astype(str), to_analyse["path"].astype(str)))
    chunks = [jobs[i : i + params.chunk_size] for i in range(0, len(jobs), params.chunk_size)]
    tracks_per_md5 = tracks["md5"].value_counts()
    new_rows, failures = [], []
    for chunk, result in run_chunks(chunks, params, scheduler_address):
        cache.write_part(pd.DataFrame(result.rows))
        new_rows += result.rows
        failures += result.failures
        done += int(sum(tracks_per_md5[md5] for md5, _ in chunk))
        if progress:
            progress(done, total)
    cache.consolidate()

    analysed_rows = pd.concat([cached, pd.DataFrame(new_rows)], ignore_index=True) if new_rows else cached
    features, tags, deep_tags, deep_embedding = _split_rows(tracks, analysed_rows, params)
    if params.deep_tagger:
        tags = tags.merge(summary_tags(deep_tags), on="isrc", how="left")
    return FeatureResult(
        features,
        tags,
        failures=_failures_table(tracks, failures),
        cache_hits=int(is_hit.sum()),
        analysed=int((~is_hit).sum()),
        deep_tags=deep_tags,
        deep_embedding=deep_embedding,
    )


def _split_rows(
    tracks: pd.DataFrame, rows: pd.DataFrame, params: FeaturesParams
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Attach rows to tracks by md5, keeping the tracks' order, and split them into features, tags,
    deep-tag probabilities and deep embedding."""
    feature_names = feature_columns(params)
    auto_tag_names = [f"tag_{name}" for name in TAG_COLUMNS]
    deep_tag_names = tag_columns(tag_names(resolve_model(params.tagger_model))) if params.deep_tagger else []
    deep_embedding_names = embedding_columns(EMBEDDING_SIZE) if params.deep_tagger else []
    numeric = [*feature_names, *deep_tag_names, *deep_embedding_names]
    if rows.empty:
        rows = pd.DataFrame(columns=["md5", *numeric, *auto_tag_names])
    rows = rows.astype({"md5": "string"})
    joined = tracks[["isrc", "md5"]].merge(rows, on="md5", how="inner", sort=False)
    joined = joined.astype({name: "float64" for name in numeric})
    tags = joined[["isrc", *auto_tag_names]].rename(columns=lambda c: c.removeprefix("tag_"))
    tables = (
        joined[["isrc", *feature_names]],
        tags,
        joined[["isrc", *deep_tag_names]],
        joined[["isrc", *deep_embedding_names]],
    )
    return tuple(table.reset_index(drop=True) for table in tables)


def _failures_table(tracks: pd.DataFrame, failures: list[tuple[str, str]]) -> pd.DataFrame:
    errors = pd.DataFrame(failures, columns=["md5", "error"]).astype("string")
    return tracks[["isrc", "md5", "path"]].merge(errors, on="md5")[["isrc", "path", "error"]]
