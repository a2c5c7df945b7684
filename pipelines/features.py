"""Stage `features`: audio features, auto-tags and the similarity index of every accepted track."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from pipelines.common import read_manifest, stage_main, terminal_progress, write_json, write_parquet
from tastemaker.audio import build_index, extract_features, feature_set_version, track_embeddings
from tastemaker.audio.cli import DEEP_EMBEDDING_FILE, DEEP_INDEX_FILE
from tastemaker.audio.embedding import deep_track_embeddings
from tastemaker.config import Params
from tastemaker.endpoints import resolve_endpoints

INDEX_FILE = "similarity.voy"


def run(params: Params, progress: Callable[[int, int], None] | None = None) -> dict:
    catalog = pd.read_parquet(params.paths.validated / "catalog.parquet", columns=["isrc", "audio_path"])
    manifest = read_manifest(params)[["relpath", "md5"]]
    tracks = catalog.merge(manifest, left_on="audio_path", right_on="relpath")
    tracks["path"] = [str((params.paths.raw / relpath).resolve()) for relpath in tracks["relpath"]]
    endpoints = resolve_endpoints(params.paths.state)
    with terminal_progress("analysing audio", enabled=progress is None) as terminal:
        result = extract_features(
            tracks[["isrc", "path", "md5"]],
            params.features,
            params.paths.cache / "features",
            scheduler_address=endpoints.dask_scheduler_address,
            progress=progress or terminal,
        )
    out = params.paths.features
    write_parquet(result.features, out / "track_features.parquet")
    write_parquet(result.tags, out / "auto_tags.parquet")
    write_parquet(result.failures, out / "failures.parquet")
    isrcs, vectors = track_embeddings(result.features)
    build_index(isrcs, vectors).save(out / INDEX_FILE)
    if params.features.deep_tagger:
        # Tag probabilities and the embedding: for pitch sheets and search by sound, and as feature
        # columns for the ranker, which reads track_features.parquet alone unless told otherwise.
        write_parquet(result.deep_tags, out / "deep_tags.parquet")
        write_parquet(result.deep_embedding, out / DEEP_EMBEDDING_FILE)
        build_index(*deep_track_embeddings(result.deep_embedding)).save(out / DEEP_INDEX_FILE)
    else:
        for stale in ("deep_tags.parquet", DEEP_EMBEDDING_FILE, DEEP_INDEX_FILE):
            (out / stale).unlink(missing_ok=True)
    summary = {
        "tracks": len(tracks),
        "analysed": result.analysed,
        "cache_hits": result.cache_hits,
        "failed": len(result.failures),
        "deep_tagged": len(result.deep_tags) if params.features.deep_tagger else 0,
        "feature_set_version": feature_set_version(params.features),
    }
    write_json(summary, out / "summary.json")
    return summary


def main() -> None:
    stage_main(run)


if __name__ == "__main__":
    main()
