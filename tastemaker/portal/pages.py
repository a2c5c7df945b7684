"""The portal's HTML pages: sign-in, an artist's pitches, a track, similar artists, results, the label dashboard."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from tastemaker.effect.estimation import LABELS
from tastemaker.errors import UserError
from tastemaker.portal import accounts, statuses
from tastemaker.portal.accounts import User
from tastemaker.portal.charts import bar_chart
from tastemaker.portal.sheets import pitch_sheet_csv
from tastemaker.portal.tables import AUDIT, SENT_STATUSES, STATUSES
from tastemaker.portal.views import artist_pitches, pitch_view, status_index
from tastemaker.portal.web import (
    SESSION_COOKIE,
    PageUser,
    StaffUser,
    VisibleArtist,
    check_csrf,
    client_address,
    csrf_token,
    optional_user,
    portal,
    set_cookie,
)

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, user: User | None, status_code: int = 200, **context):
    return portal(request).templates.TemplateResponse(
        request, name, {"user": user, "csrf": csrf_token(request), **context}, status_code=status_code
    )


def latest_run(request: Request) -> dict:
    latest = portal(request).reader.latest()
    if latest is None:
        raise HTTPException(404, "nothing has been published yet: run `tastemaker run` first")
    return latest


def artist_name(request: Request, artist_id: str) -> str:
    name = portal(request).reader.artist_name(artist_id)
    if name is None:
        raise HTTPException(404, "no such artist in the kept publications")
    return name


def _safe_next(target: str) -> str:
    """Only paths of this site: `next=//evil.example` (or `/\\evil.example`, which browsers read the
    same way) must not send a freshly signed-in user elsewhere."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    return render(request, "login.html", optional_user(request), next=_safe_next(next), error="")


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
):
    state, address = portal(request), client_address(request)
    rules = state.settings.params.portal
    if accounts.too_many_failures(
        state.engine, email, address, rules.login_max_failures, rules.login_window_minutes
    ):
        accounts.audit(state.engine, None, "login_blocked", address, email=email)
        return render(
            request,
            "login.html",
            None,
            429,
            next=_safe_next(next),
            error="Too many failed sign-ins: wait a few minutes and try again.",
        )
    user = accounts.authenticate(state.engine, email, password)
    if user is None:
        accounts.record_failure(state.engine, email, address)
        accounts.audit(state.engine, None, "login_failed", address, email=email)
        return render(
            request, "login.html", None, 401, next=_safe_next(next), error="Wrong e-mail or password."
        )
    accounts.audit(state.engine, user, "login", address)
    response = RedirectResponse(_safe_next(next), status_code=303)
    token = accounts.start_session(state.engine, user, rules.session_hours)
    set_cookie(response, request, SESSION_COOKIE, token, max_age=int(rules.session_hours * 3600))
    return response


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request, user: PageUser):
    state = portal(request)
    accounts.end_session(state.engine, request.cookies.get(SESSION_COOKIE, ""))
    accounts.audit(state.engine, user, "logout", client_address(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/invite/{token}")
def invite_form(request: Request, token: str):
    invited = accounts.invited_user(portal(request).engine, token)
    if invited is None:
        raise HTTPException(404, "this invitation is unknown, used or expired: ask your label for a new one")
    return render(request, "invite.html", None, invited=invited, error="")


@router.post("/invite/{token}", dependencies=[Depends(check_csrf)])
def accept_invite(request: Request, token: str, password: Annotated[str, Form()]):
    state = portal(request)
    invited = accounts.invited_user(state.engine, token)
    try:
        user = accounts.accept_invite(state.engine, token, password)
    except UserError as error:
        return render(request, "invite.html", None, 400, invited=invited, error=str(error))
    if user is None:
        raise HTTPException(404, "this invitation is unknown, used or expired: ask your label for a new one")
    accounts.audit(state.engine, user, "invite_accepted", client_address(request))
    return RedirectResponse("/login", status_code=303)


@router.get("/")
def home(request: Request, user: PageUser):
    if not user.is_label_staff and len(user.artists) == 1:
        return RedirectResponse(f"/artists/{next(iter(user.artists))}", status_code=303)
    return RedirectResponse("/artists", status_code=303)


@router.get("/artists")
def artist_list(request: Request, user: PageUser, q: str = "", page: int = 1):
    state, latest = portal(request), latest_run(request)
    per_page = state.settings.params.portal.artists_per_page
    page = max(1, page)
    rows, total = state.reader.artists(
        latest["run_date"],
        q.strip(),
        (page - 1) * per_page,
        per_page,
        only=None if user.is_label_staff else user.artists,
    )
    return render(
        request,
        "artists.html",
        user,
        artists=rows,
        total=total,
        q=q,
        page=page,
        pages=max(1, -(-total // per_page)),
        run=latest,
    )


@router.get("/artists/{artist_id}")
def artist_home(request: Request, artist_id: VisibleArtist, user: PageUser):
    state, latest = portal(request), latest_run(request)
    run_date = latest["run_date"]
    marked = statuses.latest_statuses(state.engine, artist_id, run_date)
    pitches = artist_pitches(state.reader, state.catalog.current(), artist_id, run_date, marked)
    to_pitch = [pitch for pitch in pitches if pitch["kind"] != "control"]
    held_back = [pitch for pitch in pitches if pitch["kind"] == "control"]
    name = pitches[0]["artist_name"] if pitches else artist_name(request, artist_id)
    return render(
        request,
        "artist.html",
        user,
        artist_id=artist_id,
        artist_name=name,
        run=latest,
        pitches=to_pitch,
        held_back=held_back,
        statuses=STATUSES,
        publish=state.settings.params.publish,
    )


@router.post("/artists/{artist_id}/pitches/{run_date}/{rank}", dependencies=[Depends(check_csrf)])
def mark_pitch(
    request: Request,
    run_date: dt.date,
    rank: int,
    artist_id: VisibleArtist,
    user: PageUser,
    status: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
):
    state = portal(request)
    pitch = state.reader.pitch(artist_id, run_date, rank)
    if pitch is None:
        raise HTTPException(404, "no such pitch")
    try:
        statuses.mark(state.engine, user, pitch, status, note)
    except UserError as error:
        raise HTTPException(400, str(error)) from None
    accounts.audit(
        state.engine,
        user,
        f"pitch_{status}",
        client_address(request),
        artist_id=artist_id,
        detail=json.dumps(
            {
                "run_date": run_date.isoformat(),
                "rank": rank,
                "isrc": pitch["isrc"],
                "playlist_id": pitch["playlist_id"],
                "note": note.strip()[:200],
            }
        ),
    )
    return RedirectResponse(f"/artists/{artist_id}#pitch-{rank}", status_code=303)


@router.get("/artists/{artist_id}/tracks/{isrc}")
def track_page(request: Request, isrc: str, artist_id: VisibleArtist, user: PageUser):
    state, catalog = portal(request), portal(request).catalog.current()
    pitches = _track_pitches(request, artist_id, isrc)
    track = catalog.tracks.get(isrc)
    if track is None and not pitches:
        raise HTTPException(404, "no such track of this artist")
    current = [pitch for pitch in pitches if pitch["run_date"] == latest_run(request)["run_date"].isoformat()]
    streams = state.catalog.streams([isrc])
    placed = streams[streams["playlist_id"].notna()]
    history = []
    for playlist_id, rows in placed.groupby("playlist_id"):
        playlist = catalog.playlists.get(str(playlist_id))
        history.append(
            {
                "playlist_id": playlist_id,
                "name": playlist.name if playlist else playlist_id,
                "territory": playlist.territory if playlist else "",
                "first": rows["date"].min(),
                "last": rows["date"].max(),
                "streams": int(rows["streams"].sum()),
            }
        )
    history.sort(key=lambda row: row["first"], reverse=True)
    title = pitches[0]["track_title"] if pitches else track.title
    return render(
        request,
        "track.html",
        user,
        artist_id=artist_id,
        artist_name=artist_name(request, artist_id),
        isrc=isrc,
        title=title,
        track=track,
        tags=catalog.tags.get(isrc, {}),
        current=current,
        pitches=pitches,
        history=history,
    )


@router.get("/artists/{artist_id}/tracks/{isrc}/pitch-sheet.csv")
def pitch_sheet(request: Request, isrc: str, artist_id: VisibleArtist):
    latest = latest_run(request)["run_date"].isoformat()
    current = [p for p in _track_pitches(request, artist_id, isrc) if p["run_date"] == latest]
    return Response(
        pitch_sheet_csv(current),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="pitches-{isrc}-{latest}.csv"'},
    )


def _track_pitches(request: Request, artist_id: str, isrc: str) -> list[dict]:
    """The track's non-control pitches of every kept run, with their statuses."""
    state = portal(request)
    catalog = state.catalog.current()
    marked = status_index(statuses.latest_statuses(state.engine, artist_id))
    return [
        pitch_view(pitch, catalog, state.reader, marked.get((pitch["run_date"].isoformat(), pitch["rank"])))
        for pitch in state.reader.track_pitches(artist_id, isrc)
        if not pitch["is_control"]
    ]


@router.get("/artists/{artist_id}/similar")
def similar_page(request: Request, artist_id: VisibleArtist, user: PageUser):
    state, latest = portal(request), latest_run(request)
    similar = state.reader.similar(artist_id, latest["run_date"])
    return render(
        request,
        "similar.html",
        user,
        artist_id=artist_id,
        artist_name=artist_name(request, artist_id),
        similar=similar,
        run=latest,
    )


@router.get("/artists/{artist_id}/results")
def results_page(request: Request, artist_id: VisibleArtist, user: PageUser):
    state = portal(request)
    marked = statuses.latest_statuses(state.engine, artist_id)
    published = {
        (pitch["run_date"], pitch["rank"]): pitch for pitch in state.reader.artist_history(artist_id)
    }
    streams = state.catalog.streams(sorted({row["isrc"] for row in marked}))
    results = []
    for row in sorted(marked, key=lambda row: row["at"], reverse=True):
        pitch = published.get((row["run_date"], row["rank"]))
        since = streams[
            (streams["isrc"] == row["isrc"])
            & (streams["playlist_id"] == row["playlist_id"])
            & (streams["date"] > row["run_date"])
        ]
        results.append(
            {
                **row,
                "run_date": row["run_date"].isoformat(),
                "track_title": pitch["track_title"] if pitch else row["isrc"],
                "playlist_name": pitch["playlist_name"] if pitch else row["playlist_id"],
                "streams_since": int(since["streams"].sum()),
            }
        )
    counts = {status: sum(result["status"] == status for result in results) for status in STATUSES}
    sent = [result for result in results if result["status"] in SENT_STATUSES]
    status_chart = bar_chart(
        "Pitches by status", [(status, counts[status], f"bar-{status}") for status in STATUSES]
    )
    streams_chart = bar_chart(
        "Streams from the playlist since the pitch",
        [
            (f"{r['track_title']} → {r['playlist_name']}", r["streams_since"], f"bar-{r['status']}")
            for r in sent[:20]
        ],
    )
    return render(
        request,
        "results.html",
        user,
        artist_id=artist_id,
        artist_name=artist_name(request, artist_id),
        results=results,
        counts=counts,
        no_answer=sum(r["status"] == "sent" for r in results),
        status_chart=status_chart,
        streams_chart=streams_chart,
    )


@router.get("/label")
def label_dashboard(request: Request, user: StaffUser):
    state, latest = portal(request), latest_run(request)
    run_date = latest["run_date"]
    counts = state.reader.run_counts(run_date)
    catalog = state.catalog.current()
    marked = statuses.latest_statuses(state.engine, run_date=run_date)
    by_status = Counter(row["status"] for row in marked)
    offered = counts["rows"] - counts["control"]
    sent = sum(by_status.get(status, 0) for status in SENT_STATUSES)
    funnel = [
        ("published to pitch", offered, "bar-published"),
        ("sent", sent, "bar-sent"),
        ("answered", by_status.get("accepted", 0) + by_status.get("declined", 0), "bar-declined"),
        ("accepted", by_status.get("accepted", 0), "bar-accepted"),
    ]
    effect_path = state.settings.params.paths.effect / "effect.json"
    effect = json.loads(effect_path.read_text()) if effect_path.is_file() else None
    if effect is not None and effect.get("status") == "waiting":
        effect = None  # nothing measured yet: the page says so
    return render(
        request,
        "label.html",
        user,
        run=latest,
        counts=counts,
        catalog_artists=len(catalog.artist_tracks),
        catalog_tracks=len(catalog.tracks),
        offered=offered,
        by_status=by_status,
        skipped=by_status.get("skipped", 0),
        unmarked=offered - len(marked),
        funnel=bar_chart("Pitch funnel of this run", funnel),
        effect=effect,
        effect_labels=LABELS,
    )


@router.get("/label/audit")
def audit_log(request: Request, user: StaffUser):
    if user.role != "admin":
        raise HTTPException(403, "the audit log is for label admins")
    with portal(request).engine.connect() as connection:
        rows = connection.execute(sa.select(AUDIT).order_by(AUDIT.c.id.desc()).limit(200)).mappings().all()
    return render(request, "audit.html", user, rows=rows)
