"""The JSON API for label tools: the same pitches, statuses and authorization as the pages.

Authenticate with `Authorization: Bearer <token>` (`tastemaker portal token`); a signed-in
browser may read too. Writing takes a bearer token only: a browser attaches cookies on its own,
a token never, so the write route needs no CSRF token.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from tastemaker.errors import UserError
from tastemaker.portal import accounts, statuses
from tastemaker.portal.views import artist_pitches
from tastemaker.portal.web import ApiUser, ApiVisibleArtist, client_address, portal

router = APIRouter(prefix="/api/v1", tags=["pitches"])


class Band(BaseModel):
    low: int
    high: int


class Pitch(BaseModel):
    run_date: str
    rank: int
    kind: Literal["model", "explore", "control"] = Field(
        description="model: the ranker's pick; explore: drawn at random (to measure the model); "
        "control: held back, never to be pitched"
    )
    isrc: str
    track_title: str
    playlist_id: str
    playlist_name: str
    territory: str
    followers: int | None
    curator: str
    reasons: list[str]
    note: str
    fit_percentile: int | None = Field(
        description="share (%) of this run's model picks this one beats; none for a random pick"
    )
    expected_streams: Band | None
    release_date: str | None
    unreleased: bool
    status: str | None
    status_note: str
    status_by: str
    status_at: str


class ArtistPitches(BaseModel):
    artist_id: str
    run_date: str
    model_version: str
    data_version: str
    pitches: list[Pitch]


class ArtistSummary(BaseModel):
    artist_id: str
    artist_name: str
    pitches: int


class StatusChange(BaseModel):
    status: Literal["sent", "accepted", "declined", "skipped"]
    note: str = ""


def _latest(request: Request) -> dict:
    latest = portal(request).reader.latest()
    if latest is None:
        raise HTTPException(404, "nothing has been published yet")
    return latest


@router.get("/artists", response_model=list[ArtistSummary])
def list_artists(request: Request, user: ApiUser, q: str = "", offset: int = 0, limit: int = 100):
    """The artists of the latest publication this account may see."""
    rows, _ = portal(request).reader.artists(
        _latest(request)["run_date"],
        q,
        max(0, offset),
        min(max(1, limit), 1000),
        only=None if user.is_label_staff else user.artists,
    )
    return rows


@router.get("/artists/{artist_id}/pitches", response_model=ArtistPitches)
def get_pitches(request: Request, artist_id: ApiVisibleArtist):
    """This run's pitches of one artist in rank order, control pairs included and marked as such."""
    state, latest = portal(request), _latest(request)
    marked = statuses.latest_statuses(state.engine, artist_id, latest["run_date"])
    pitches = artist_pitches(state.reader, state.catalog.current(), artist_id, latest["run_date"], marked)
    return {
        "artist_id": artist_id,
        "run_date": latest["run_date"].isoformat(),
        "model_version": latest["model_version"],
        "data_version": latest["data_version"],
        "pitches": pitches,
    }


@router.get("/artists/{artist_id}/similar")
def get_similar(request: Request, artist_id: ApiVisibleArtist) -> list[dict]:
    """Similar artists with what they share: sound (audio similarity) and audiences (co-listening)."""
    rows = portal(request).reader.similar(artist_id, _latest(request)["run_date"])
    return [
        {key: (value.isoformat() if isinstance(value, dt.date) else value) for key, value in row.items()}
        for row in rows
    ]


@router.post("/artists/{artist_id}/pitches/{run_date}/{rank}/status", status_code=201)
def set_status(
    request: Request,
    run_date: dt.date,
    rank: int,
    change: StatusChange,
    artist_id: ApiVisibleArtist,
    user: ApiUser,
) -> dict:
    """Record what was done with a pitch; stored with time and account, the latest one counting."""
    if not request.headers.get("authorization", "").lower().startswith("bearer "):
        raise HTTPException(403, "changing a status through the API needs a bearer token")
    state = portal(request)
    pitch = state.reader.pitch(artist_id, run_date, rank)
    if pitch is None:
        raise HTTPException(404, "no such pitch")
    try:
        statuses.mark(state.engine, user, pitch, change.status, change.note)
    except UserError as error:
        raise HTTPException(400, str(error)) from None
    accounts.audit(
        state.engine,
        user,
        f"pitch_{change.status}",
        client_address(request),
        artist_id=artist_id,
        detail=json.dumps({"run_date": run_date.isoformat(), "rank": rank, "via": "api"}),
    )
    return {"artist_id": artist_id, "run_date": run_date.isoformat(), "rank": rank, "status": change.status}
