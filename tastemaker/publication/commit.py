"""One publication in every store, or in none: database, Parquet, day folder and receipt.

Everything that is a file is built first under staging names; the database transaction is the
single commit point. Before it, the renames to come are journaled, so a crash anywhere leaves
either the old publication everywhere (the transaction never committed: the staging is
discarded) or the new one everywhere (it committed: the next run, or this one, finishes the
renames). Which of the two happened is read back from the database by the publication's
`published_at`, unique to each attempt.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from tastemaker.publication import store
from tastemaker.publication.files import day_folder, write_day_folder
from tastemaker.staged import StagedOutputs, abandon, journal_pairs, remove_strays, roll_forward

RECEIPT = "publication.json"


def publish_everywhere(
    engine: sa.Engine,
    out_dir: Path,
    journal: Path,
    header: dict,
    recommendations: pd.DataFrame,
    similar: pd.DataFrame,
    keep_days: int,
    receipt_extra: dict,
    pitch_sheets: dict[str, list[dict]] | None = None,
) -> dict:
    """Publish `header['run_date']` to the database and to `out_dir` (with each artist's pitch sheets
    in the day folder); returns the receipt."""
    settle(engine, journal)
    for folder in (out_dir, out_dir / "files"):
        remove_strays(folder)
    outputs = StagedOutputs(journal)
    day = day_folder(out_dir / "files", header["run_date"])
    receipt = {**header, **receipt_extra, "files": str(day)}
    try:
        recommendations[store.RECOMMENDATION_COLUMNS].to_parquet(
            outputs.stage(out_dir / "recommendations.parquet", directory=False), index=False
        )
        similar[store.SIMILAR_ARTIST_COLUMNS].to_parquet(
            outputs.stage(out_dir / "similar_artists.parquet", directory=False), index=False
        )
        write_day_folder(recommendations, header, outputs.stage(day), pitch_sheets)
        outputs.stage(out_dir / RECEIPT, directory=False).write_text(
            json.dumps(receipt, indent=2, sort_keys=True, default=str) + "\n"
        )
        outputs.write_journal()
        store.publish(engine, header, recommendations, keep_days, similar)
    except BaseException:
        settle(engine, journal, staged=outputs)
        raise
    roll_forward(journal)
    return receipt


def settle(engine: sa.Engine, journal: Path, staged: StagedOutputs | None = None) -> None:
    """Finish or undo an interrupted publication, as the database decides."""
    pairs = journal_pairs(journal)
    if not pairs:
        if staged:
            staged.discard()
        return
    receipt_staging = next((staging for staging, final in pairs if final.name == RECEIPT), None)
    if receipt_staging and _committed(engine, json.loads(receipt_staging.read_text())):
        roll_forward(journal)
    else:
        abandon(journal)


def _committed(engine: sa.Engine, receipt: dict) -> bool:
    """Whether the database holds this very attempt (an unreachable database raises: undecided)."""
    published_at = store.published_at(engine, dt.date.fromisoformat(receipt["run_date"]))
    return published_at is not None and _utc(published_at) == _utc(
        dt.datetime.fromisoformat(receipt["published_at"])
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC, PostgreSQL aware times: compare both as naive UTC."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment
