"""A delivery taken in as one unit: ingest, then validate, accepted or refused as a whole.

The new raw snapshot, its manifest and the validated tables are built under staging names
and replace the accepted ones only when validation lets the delivery through. A refused,
failed or killed delivery therefore leaves the last accepted snapshot and tables unchanged,
and everything built from them (features, models, publications) still matches them; its
report is kept in `reports/validation.json` for the person who has to fix it.
"""

from __future__ import annotations

import argparse

from pipelines import ingest, validate
from pipelines.common import commit_journal, manifest_path, refused_path, stage_main
from tastemaker.config import Params
from tastemaker.staged import staged_outputs


def run(params: Params, source: str | None = None) -> dict:
    with staged_outputs(commit_journal(params)) as outputs:
        raw = outputs.stage(params.paths.raw, seed=True)
        outputs.stage(manifest_path(params), seed=True, directory=False)
        outputs.stage(refused_path(params), directory=False)
        validated = outputs.stage(params.paths.validated)
        staged = params.model_copy(
            update={"paths": params.paths.model_copy(update={"raw": raw, "validated": validated})}
        )
        summary = {"ingest": ingest.run(staged, source)}
        summary["validate"] = validate.run(staged)
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", help="landing zone folder or URL (default: ingest.source in params.yaml)")
    source = parser.parse_args(argv).source
    stage_main(lambda params: run(params, source))


if __name__ == "__main__":
    main()
