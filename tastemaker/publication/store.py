"""The publication database: SQLite by default, PostgreSQL when TASTEMAKER_DB_URL says so.

A publication is written in one transaction that first removes any earlier rows of the same
run date: a crash mid-publish rolls back and leaves the previous publication complete, and
re-running a date replaces it instead of duplicating it.

pandas loads only where a table is built, so `tastemaker recs` reads its rows without it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa

from tastemaker.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

METADATA = sa.MetaData()

PUBLICATIONS = sa.Table(
    "publications",
    METADATA,
    sa.Column("run_date", sa.Date, primary_key=True),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("model_name", sa.String(200), nullable=False),
    sa.Column("model_version", sa.String(32), nullable=False),
    sa.Column("data_version", sa.String(64), nullable=False),
    sa.Column("git_commit", sa.String(64), nullable=False),
    sa.Column("params_hash", sa.String(32), nullable=False),
    sa.Column("artists", sa.Integer, nullable=False),
    sa.Column("pitches", sa.Integer, nullable=False),
)

RECOMMENDATIONS = sa.Table(
    "recommendations",
    METADATA,
    sa.Column("run_date", sa.Date, nullable=False, index=True),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("model_name", sa.String(200), nullable=False),
    sa.Column("model_version", sa.String(32), nullable=False),
    sa.Column("data_version", sa.String(64), nullable=False),
    sa.Column("artist_id", sa.String(64), nullable=False, index=True),
    sa.Column("artist_name", sa.String(400), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("isrc", sa.String(12), nullable=False),
    sa.Column("track_title", sa.String(400), nullable=False),
    sa.Column("playlist_id", sa.String(64), nullable=False),
    sa.Column("playlist_name", sa.String(400), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("expected_streams_low", sa.Integer, nullable=True),
    sa.Column("expected_streams_high", sa.Integer, nullable=True),
    sa.Column("reasons", sa.Text, nullable=False),
    sa.Column("is_control", sa.Boolean, nullable=False),
    sa.Column("is_explore", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("run_date", "artist_id", "rank"),
)

SIMILAR_ARTISTS = sa.Table(
    "similar_artists",
    METADATA,
    sa.Column("run_date", sa.Date, nullable=False, index=True),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("artist_id", sa.String(64), nullable=False, index=True),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("similar_artist_id", sa.String(64), nullable=False),
    sa.Column("similar_artist_name", sa.String(400), nullable=False),
    sa.Column("similarity", sa.Float, nullable=False),
    sa.Column("audio_similarity", sa.Float, nullable=False),
    sa.Column("co_listening", sa.Float, nullable=False),
    sa.UniqueConstraint("run_date", "artist_id", "rank"),
)

RECOMMENDATION_COLUMNS = [column.name for column in RECOMMENDATIONS.columns]
SIMILAR_ARTIST_COLUMNS = [column.name for column in SIMILAR_ARTISTS.columns]


def connect(db_url: str) -> sa.Engine:
    try:
        engine = sa.create_engine(db_url)
    except ImportError as error:
        raise UserError(
            f"no database driver for {db_url.split(':')[0]} ({error.name}): "
            "install it, e.g. pip install 'tastemaker[postgres]'"
        ) from None
    try:
        METADATA.create_all(engine)
        _add_missing_columns(engine)
    except sa.exc.OperationalError as error:
        raise UserError(
            f"cannot reach the publication database {engine.url.render_as_string()}: {error.orig}"
        ) from None
    except sa.exc.DatabaseError as error:  # a truncated or overwritten SQLite file, a foreign database
        raise UserError(
            f"the publication database {engine.url.render_as_string()} is unreadable ({error.orig}): "
            "restore it from a backup, or move it aside to start a new one"
        ) from None
    return engine


def _add_missing_columns(engine: sa.Engine) -> None:
    """Additive upgrade of a database written by an older version: new columns are nullable or
    defaulted, so adding them keeps every earlier publication readable."""
    inspector = sa.inspect(engine)
    with engine.begin() as connection:
        for table in METADATA.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                if not column.nullable and column.server_default is None:
                    raise UserError(
                        f"the publication database lacks {table.name}.{column.name}, which cannot be "
                        "added in place: publish to a new database (TASTEMAKER_DB_URL)"
                    )
                definition = sa.schema.CreateColumn(column).compile(dialect=engine.dialect)
                connection.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {definition}"))


def publish(
    engine: sa.Engine,
    header: dict,
    recommendations: pd.DataFrame,
    keep_days: int,
    similar_artists: pd.DataFrame | None = None,
) -> None:
    """Replace the publication of `header['run_date']` atomically and drop those older than `keep_days`."""
    run_date = header["run_date"]
    oldest_kept = run_date - dt.timedelta(days=keep_days)
    inserts = [(RECOMMENDATIONS, recommendations[RECOMMENDATION_COLUMNS].to_dict("records"))]
    if similar_artists is not None:
        inserts.append((SIMILAR_ARTISTS, similar_artists[SIMILAR_ARTIST_COLUMNS].to_dict("records")))
    with engine.begin() as connection:
        for table in (RECOMMENDATIONS, SIMILAR_ARTISTS, PUBLICATIONS):
            connection.execute(table.delete().where(table.c.run_date == run_date))
            connection.execute(table.delete().where(table.c.run_date < oldest_kept))
        connection.execute(PUBLICATIONS.insert(), [header])
        for table, rows in inserts:
            if rows:
                connection.execute(table.insert(), rows)


def published_at(engine: sa.Engine, run_date: dt.date) -> dt.datetime | None:
    """When the publication of `run_date` now in the database was made (None: there is none)."""
    with engine.connect() as connection:
        return connection.scalar(
            sa.select(PUBLICATIONS.c.published_at).where(PUBLICATIONS.c.run_date == run_date)
        )


def run_dates(engine: sa.Engine) -> list[dt.date]:
    with engine.connect() as connection:
        return list(
            connection.scalars(sa.select(PUBLICATIONS.c.run_date).order_by(PUBLICATIONS.c.run_date.desc()))
        )


def recommendation_rows(engine: sa.Engine, artist: str, run_date: dt.date | None = None) -> list[dict]:
    """One artist's pitches in rank order (artist by id, or by a name, case-insensitive, that no
    other artist has) from one publication, latest by default."""
    dates = run_dates(engine)
    if not dates:
        raise UserError("nothing has been published yet: run `tastemaker run` first")
    if run_date is None:
        run_date = dates[0]
    elif run_date not in dates:
        kept = ", ".join(day.isoformat() for day in dates[:10])
        raise UserError(f"no publication for {run_date.isoformat()}; kept: {kept}")
    table = RECOMMENDATIONS
    query = (
        sa.select(table)
        .where(table.c.run_date == run_date)
        .where(sa.or_(table.c.artist_id == artist, sa.func.lower(table.c.artist_name) == artist.lower()))
        .order_by(table.c.artist_id, table.c.rank)
    )
    with engine.connect() as connection:
        rows = [dict(row) for row in connection.execute(query).mappings()]
    if not rows:
        raise UserError(f"unknown artist '{artist}' in the publication of {run_date.isoformat()}")
    by_id = [row for row in rows if row["artist_id"] == artist]
    named = sorted({row["artist_id"] for row in rows})
    if not by_id and len(named) > 1:
        raise UserError(f"several artists are named {artist!r}; use one of the ids {', '.join(named)}")
    return by_id or rows


def read_recommendations(engine: sa.Engine, artist: str, run_date: dt.date | None = None) -> pd.DataFrame:
    """`recommendation_rows` as a table with the publication's columns."""
    import pandas as pd

    return pd.DataFrame(recommendation_rows(engine, artist, run_date), columns=RECOMMENDATION_COLUMNS)


def read_model_pitches(engine: sa.Engine) -> pd.DataFrame:
    """Every kept pair the platform really pitched (not a control row, not a random exploration pick)."""
    import pandas as pd

    table = RECOMMENDATIONS
    query = (
        sa.select(table.c.isrc, table.c.playlist_id, table.c.run_date)
        .where(~table.c.is_control)
        .where(~table.c.is_explore)
    )
    with engine.connect() as connection:
        return pd.DataFrame(
            connection.execute(query).mappings().all(), columns=["isrc", "playlist_id", "run_date"]
        )
