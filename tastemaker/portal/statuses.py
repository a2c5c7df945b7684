"""What was done with each published pitch: statuses marked in the portal, and where they flow.

Two consumers read them beside the portal. The effect stage keeps, in each publication where
the label marked anything, only the pitches really sent (and the control, which is never
sent): the estimate then compares what was done with what was held back, instead of what was
published. The demo world's advance reads a publication file whose `status` column says
which pitches went out; `export_with_statuses` writes that file.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from tastemaker.errors import UserError
from tastemaker.portal.accounts import User, now
from tastemaker.portal.tables import PITCH_STATUSES, SENT_STATUSES, STATUSES, USERS
from tastemaker.publication import store

STATUS_COLUMNS = ["run_date", "artist_id", "rank", "isrc", "playlist_id", "status", "note", "email", "at"]


def mark(engine: sa.Engine, user: User, pitch: dict, status: str, note: str) -> None:
    """Record a status of one published pitch (a mapping with run_date, artist_id, rank, isrc, playlist_id)."""
    if status not in STATUSES:
        raise UserError(f"unknown status '{status}': choose one of {', '.join(STATUSES)}")
    if pitch["is_control"]:
        raise UserError("a control pitch is held back to measure the effect: it is never sent")
    with engine.begin() as connection:
        connection.execute(
            PITCH_STATUSES.insert().values(
                run_date=pitch["run_date"],
                artist_id=pitch["artist_id"],
                rank=pitch["rank"],
                isrc=pitch["isrc"],
                playlist_id=pitch["playlist_id"],
                status=status,
                note=note.strip()[:2000],
                user_id=user.id,
                at=now(),
            )
        )


def latest_statuses(
    engine: sa.Engine, artist_id: str | None = None, run_date: dt.date | None = None
) -> list[dict]:
    """The current status of every marked pitch: the latest mark of each (run_date, artist_id, rank).

    Plain rows, not a DataFrame: an artist's home page reads them on every request."""
    table = PITCH_STATUSES
    latest = sa.select(sa.func.max(table.c.id)).group_by(table.c.run_date, table.c.artist_id, table.c.rank)
    if artist_id is not None:
        latest = latest.where(table.c.artist_id == artist_id)
    if run_date is not None:
        latest = latest.where(table.c.run_date == run_date)
    query = (
        sa.select(
            table.c.run_date,
            table.c.artist_id,
            table.c.rank,
            table.c.isrc,
            table.c.playlist_id,
            table.c.status,
            table.c.note,
            USERS.c.email,
            table.c.at,
        )
        .join(USERS, USERS.c.id == table.c.user_id)
        .where(table.c.id.in_(latest))
    )
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def published_rows(publication: sa.Engine, run_date: dt.date) -> pd.DataFrame:
    """Every published row of one run, as the Parquet publication file holds them."""
    table = store.RECOMMENDATIONS
    with publication.connect() as connection:
        rows = (
            connection.execute(
                sa.select(table).where(table.c.run_date == run_date).order_by(table.c.artist_id, table.c.rank)
            )
            .mappings()
            .all()
        )
    return pd.DataFrame(rows, columns=store.RECOMMENDATION_COLUMNS)


def with_statuses(recommendations: pd.DataFrame, marks: list[dict]) -> pd.DataFrame:
    """Recommendations with their current `status` (None where nothing was marked)."""
    keys = ["run_date", "artist_id", "rank"]
    statuses = pd.DataFrame(marks, columns=STATUS_COLUMNS)
    marked = statuses[[*keys, "status"]].assign(run_date=pd.to_datetime(statuses["run_date"]).dt.date)
    merged = recommendations.assign(run_date=pd.to_datetime(recommendations["run_date"]).dt.date)
    merged = merged.drop(columns="status", errors="ignore").merge(marked, on=keys, how="left")
    merged["status"] = merged["status"].astype(object).where(merged["status"].notna(), None)
    return merged


def really_sent(recommendations: pd.DataFrame, statuses: list[dict]) -> pd.DataFrame:
    """The effect's input: in a publication where anything was marked, the sent pitches and the control.

    Pitches of such a publication that were skipped or never marked did not go out, so they
    are neither treated nor control and leave the comparison. Publications nobody marked keep
    every row, as before the portal: publishing then stood for sending.
    """
    marked = with_statuses(recommendations, statuses)
    has_marks = marked.groupby("run_date")["status"].transform(lambda column: column.notna().any())
    keep = ~has_marks | marked["is_control"].astype(bool) | marked["status"].isin(SENT_STATUSES)
    return marked[keep].reset_index(drop=True)


def export_with_statuses(recommendations: pd.DataFrame, statuses: list[dict]) -> pd.DataFrame:
    """The publication as `tastemaker world advance --publication` reads it, `status` saying what went out:
    `sent` for every pitch the label sent (whatever the curator answered since), `skipped` for one
    it chose not to send, empty where nothing was marked."""
    exported = with_statuses(recommendations, statuses)
    sent = exported["status"].isin(SENT_STATUSES)
    exported["status"] = exported["status"].where(~sent, "sent")
    return exported
