"""Reading the publication database for the portal: one artist's slice of a run, never a whole table.

Every query is indexed by run date and artist. The score distribution of a run, which turns a
raw ranker margin into a percentile a person can read, is computed once per run and cached.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

import numpy as np
import sqlalchemy as sa

from tastemaker.publication import store

PUBLICATIONS, RECOMMENDATIONS, SIMILAR = store.PUBLICATIONS, store.RECOMMENDATIONS, store.SIMILAR_ARTISTS


class PublicationReader:
    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self._lock = threading.Lock()
        self._model_scores: dict[str, np.ndarray] = {}

    def latest(self) -> dict | None:
        """The header of the latest publication (run date, model and data versions), None before any."""
        query = sa.select(PUBLICATIONS).order_by(PUBLICATIONS.c.run_date.desc()).limit(1)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return dict(row) if row else None

    def run_dates(self) -> list[dt.date]:
        return store.run_dates(self.engine)

    def artists(
        self,
        run_date: dt.date,
        search: str = "",
        offset: int = 0,
        limit: int = 100,
        only: frozenset[str] | None = None,
    ) -> tuple[list[dict], int]:
        """Artists of a run with their pitch counts, by name; `only` restricts to linked artists."""
        table = RECOMMENDATIONS
        query = (
            sa.select(
                table.c.artist_id,
                sa.func.min(table.c.artist_name).label("artist_name"),
                sa.func.count().label("pitches"),
            )
            .where(table.c.run_date == run_date)
            .group_by(table.c.artist_id)
        )
        if search:
            query = query.where(sa.func.lower(table.c.artist_name).contains(search.lower(), autoescape=True))
        if only is not None:
            query = query.where(table.c.artist_id.in_(sorted(only)))
        with self.engine.connect() as connection:
            total = connection.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
            rows = (
                connection.execute(query.order_by("artist_name").offset(offset).limit(limit)).mappings().all()
            )
        return [dict(row) for row in rows], total

    def artist_name(self, artist_id: str) -> str | None:
        query = (
            sa.select(RECOMMENDATIONS.c.artist_name)
            .where(RECOMMENDATIONS.c.artist_id == artist_id)
            .order_by(RECOMMENDATIONS.c.run_date.desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            return connection.scalar(query)

    def pitches(self, artist_id: str, run_date: dt.date) -> list[dict]:
        table = RECOMMENDATIONS
        query = (
            sa.select(table)
            .where(table.c.run_date == run_date)
            .where(table.c.artist_id == artist_id)
            .order_by(table.c.rank)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_decoded(row) for row in rows]

    def pitch(self, artist_id: str, run_date: dt.date, rank: int) -> dict | None:
        table = RECOMMENDATIONS
        query = sa.select(table).where(
            table.c.run_date == run_date, table.c.artist_id == artist_id, table.c.rank == rank
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return _decoded(row) if row else None

    def track_pitches(self, artist_id: str, isrc: str) -> list[dict]:
        """Every kept publication's pitches of one track, newest first: the track's pitches over time."""
        table = RECOMMENDATIONS
        query = (
            sa.select(table)
            .where(table.c.artist_id == artist_id, table.c.isrc == isrc)
            .order_by(table.c.run_date.desc(), table.c.rank)
        )
        with self.engine.connect() as connection:
            return [_decoded(row) for row in connection.execute(query).mappings().all()]

    def artist_history(self, artist_id: str) -> list[dict]:
        """Every kept pitch of an artist, all runs: what results are looked up against."""
        table = RECOMMENDATIONS
        query = (
            sa.select(table)
            .where(table.c.artist_id == artist_id)
            .order_by(table.c.run_date.desc(), table.c.rank)
        )
        with self.engine.connect() as connection:
            return [_decoded(row) for row in connection.execute(query).mappings().all()]

    def similar(self, artist_id: str, run_date: dt.date) -> list[dict]:
        query = (
            sa.select(SIMILAR)
            .where(SIMILAR.c.run_date == run_date, SIMILAR.c.artist_id == artist_id)
            .order_by(SIMILAR.c.rank)
        )
        with self.engine.connect() as connection:
            return [dict(row) for row in connection.execute(query).mappings().all()]

    def run_counts(self, run_date: dt.date) -> dict:
        """Coverage of a run: artists and tracks pitched, and the rows of each randomized group."""
        table = RECOMMENDATIONS
        query = sa.select(
            sa.func.count(sa.distinct(table.c.artist_id)).label("artists"),
            sa.func.count(sa.distinct(table.c.isrc)).label("tracks"),
            sa.func.count().label("rows"),
            sa.func.sum(sa.cast(table.c.is_control, sa.Integer)).label("control"),
            sa.func.sum(sa.cast(table.c.is_explore, sa.Integer)).label("explore"),
        ).where(table.c.run_date == run_date)
        with self.engine.connect() as connection:
            return {key: int(value or 0) for key, value in connection.execute(query).mappings().one().items()}

    def fit_percentile(self, run_date: dt.date, score: float) -> int:
        """Share (in %) of the run's model picks this score beats or equals: 'top 10%' reads as 90."""
        scores = self._scores_of(run_date)
        if not len(scores):
            return 0
        return int(np.floor(100 * np.searchsorted(scores, score, side="right") / len(scores)))

    def _scores_of(self, run_date: dt.date) -> np.ndarray:
        key = run_date.isoformat()
        if key not in self._model_scores:
            table = RECOMMENDATIONS
            query = sa.select(table.c.score).where(
                table.c.run_date == run_date, table.c.is_explore.is_(False)
            )
            with self.engine.connect() as connection:
                scores = np.sort(np.fromiter(connection.scalars(query), dtype=float))
            with self._lock:
                self._model_scores = {key: scores}  # only the run being read is worth keeping
        return self._model_scores[key]


def _decoded(row) -> dict:
    pitch = dict(row)
    pitch["reasons"] = json.loads(pitch["reasons"])
    pitch["is_control"] = bool(pitch["is_control"])
    pitch["is_explore"] = bool(pitch["is_explore"])
    return pitch
