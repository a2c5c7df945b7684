"""Stage `ingest`: mirror the landing zone into the DVC-tracked raw snapshot."""

from __future__ import annotations

import argparse

import pandas as pd

from pipelines.common import manifest_path, refused_path, stage_main, write_json, write_parquet
from tastemaker.config import Params
from tastemaker.ingest import ingest


def run(params: Params, source: str | None = None) -> dict:
    previous_path = manifest_path(params)
    previous = pd.read_parquet(previous_path) if previous_path.is_file() else None
    result = ingest(source or params.ingest.source, params.paths.raw, previous)
    write_parquet(result.manifest, previous_path)
    write_json({rejection.relpath: [rejection.rule, rejection.message] for rejection in result.rejected},
               refused_path(params))
    return result.summary()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", help="landing zone folder or URL (default: ingest.source in params.yaml)")
    source = parser.parse_args(argv).source
    stage_main(lambda params: run(params, source))


if __name__ == "__main__":
    main()
