"""One project, one landing zone: the first ingest ties a project's state to its source.

Stage outputs, the model registry and the publication database of a project describe one landing
zone; a second one would silently score against the first one's champion (and, in a demo world,
its truth), so it is refused with one line rather than mixed in.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tastemaker.errors import UserError

RECORD = "source.json"


def source_identity(source: str) -> str:
    """A local folder inside the project by its path from the project folder, so a project moved or copied
    whole keeps its landing zone; one outside by its absolute path (either way `data/landing` and
    `./data/landing` are one); URLs as given."""
    if "://" in source:
        return source
    folder, project = Path(source).resolve(), Path.cwd().resolve()
    return folder.relative_to(project).as_posix() if folder.is_relative_to(project) else str(folder)


def bound_source(state: Path) -> str | None:
    """The landing zone the project's state belongs to, once something was ingested."""
    record = Path(state) / RECORD
    return json.loads(record.read_text())["source"] if record.is_file() else None


def check_source(state: Path, source: str) -> None:
    """Refuse, in one line, a landing zone other than the one the project's state belongs to."""
    bound, identity = bound_source(state), source_identity(source)
    if bound is not None:
        bound = source_identity(bound)  # a record from before bindings were project-relative names a path
    if bound is not None and bound != identity:
        raise UserError(
            f"this project's data, models and publications belong to {bound}, not {identity}: "
            "run that landing zone from a project folder of its own, or `make clean` to start over"
        )


def bind_source(state: Path, source: str) -> None:
    """Tie the project's state to `source` on first use; refuse any other one afterwards."""
    check_source(state, source)
    record = Path(state) / RECORD
    if record.is_file():
        return
    record.parent.mkdir(parents=True, exist_ok=True)
    partial = record.with_name(RECORD + ".partial")
    partial.write_text(json.dumps({"source": source_identity(source)}, indent=2) + "\n")
    os.replace(partial, record)
