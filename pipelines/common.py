"""What every stage shares: the parameters, the endpoints, lineage, the run lock and atomic file writes."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from rich.progress import MofNCompleteColumn, Progress

from tastemaker.config import Params, load_params
from tastemaker.errors import UserError, one_line_errors
from tastemaker.lineage import Lineage, dvc_directory_hash, git_commit
from tastemaker.locking import project_lock


def manifest_path(params: Params) -> Path:
    return params.paths.raw.with_name(params.paths.raw.name + ".manifest.parquet")


def refused_path(params: Params) -> Path:
    """What ingest would not take in from the landing zone, beside the manifest, for validation to report."""
    return params.paths.raw.with_name(params.paths.raw.name + ".refused.json")


def commit_journal(params: Params) -> Path:
    """Where staged outputs list their renames while they are moved into place."""
    return params.paths.state / "commit.json"


def read_manifest(params: Params) -> pd.DataFrame:
    path = manifest_path(params)
    if not path.is_file():
        raise UserError(f"no ingested snapshot at {params.paths.raw}: run the ingest stage first")
    try:
        return pd.read_parquet(path)
    except Exception:  # noqa: BLE001 - pyarrow's errors for a damaged file are many and version-dependent
        raise UserError(
            f"the snapshot manifest {path} is damaged: run the ingest stage again to rebuild it"
        ) from None


def lineage(params: Params) -> Lineage:
    return Lineage(
        git_commit=git_commit(),
        data_version=dvc_directory_hash(read_manifest(params)),
        params_hash=params.section_hash(),
    )


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write through a temporary name so readers never see a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    frame.to_parquet(partial, index=False)
    os.replace(partial, path)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    frame.to_csv(partial, index=False)
    os.replace(partial, path)


def write_json(document: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(document, indent=2, sort_keys=True, default=str) + "\n")
    os.replace(partial, path)


def read_stage_parquet(path: Path) -> pd.DataFrame:
    """A table an earlier stage wrote; missing or damaged is one line saying which stage to run."""
    if not path.is_file():
        raise UserError(
            f"missing stage output {path}: run the stage that writes it first (or `tastemaker run`)"
        )
    try:
        return pd.read_parquet(path)
    except Exception:  # noqa: BLE001 - pyarrow's errors for a damaged file are many and version-dependent
        raise UserError(f"stage output {path} is damaged: run the stage that writes it again") from None


def read_json(path: Path) -> dict:
    if not path.is_file():
        raise UserError(f"missing stage output {path}: run the stage that writes it first")
    return json.loads(path.read_text())


def stage_main(run: Callable[[Params], dict]) -> None:
    """Entry point for `python -m pipelines.<stage>`: a user's mistake is one line on stderr, exit 1.

    The stage holds the project's run lock itself, so it is held for exactly as long as the work runs."""
    with one_line_errors():
        params = load_params()
        with project_lock(params.paths.state):
            summary = run(params)
    print(json.dumps(summary, indent=2, sort_keys=True, default=str))


@contextmanager
def terminal_progress(description: str, enabled: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar fed by a (done, total) callback; nothing when another caller reports progress."""
    if not enabled:
        yield None
        return
    with Progress(*Progress.get_default_columns(), MofNCompleteColumn(), transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
