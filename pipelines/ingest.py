"""Stage `ingest`: mirror the landing zone into the DVC-tracked raw snapshot."""

from __future__ import annotations

import argparse

from pipelines.common import manifest_path, refused_path, stage_main, write_json, write_parquet
from tastemaker.caches import read_cache
from tastemaker.config import Params
from tastemaker.ingest import MANIFEST_COLUMNS, ingest
from tastemaker.source_binding import bind_source, check_source


def run(params: Params, source: str | None = None) -> dict:
    source = source or params.ingest.source
    check_source(params.paths.state, source)
    previous_path = manifest_path(params)
    # The manifest only saves copying unchanged files again: a damaged one means copying everything.
    previous = read_cache(previous_path, MANIFEST_COLUMNS)
    result = ingest(source, params.paths.raw, previous)
    write_parquet(result.manifest, previous_path)
    if len(result.manifest):  # an empty folder ties the project to nothing
        bind_source(params.paths.state, source)
    write_json(
        {rejection.relpath: [rejection.rule, rejection.message] for rejection in result.rejected},
        refused_path(params),
    )
    return result.summary()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", help="landing zone folder or URL (default: ingest.source in params.yaml)")
    source = parser.parse_args(argv).source
    stage_main(lambda params: run(params, source))


if __name__ == "__main__":
    main()
