"""The portal's FastAPI application: shared state, who is asking, CSRF, security headers, error pages.

Authorization is enforced here and nowhere else: every route that names an artist takes the
`visible_artist` dependency, which answers 403 unless the signed-in user may see that artist,
whatever links the pages show. Forms carry a CSRF token bound to a per-browser cookie; the API
takes bearer tokens, which a browser never sends on its own, so it needs none.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection

from tastemaker.portal import accounts, tables
from tastemaker.portal.accounts import User
from tastemaker.portal.catalog import CatalogCache
from tastemaker.portal.publication import PublicationReader
from tastemaker.portal.settings import PortalSettings
from tastemaker.publication import store

HERE = Path(__file__).parent
SESSION_COOKIE = "tm_session"
CSRF_COOKIE = "tm_csrf"
CSRF_FIELD = "csrf_token"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass
class Portal:
    settings: PortalSettings
    engine: sa.Engine
    reader: PublicationReader
    catalog: CatalogCache
    templates: Jinja2Templates
    signer: URLSafeSerializer


class SignInRequired(Exception):
    """A page was asked for without a valid session: the browser is sent to the sign-in form."""


def create_app(settings: PortalSettings) -> FastAPI:
    # No /docs page: Swagger UI loads its scripts from a CDN, and no page may need the network.
    app = FastAPI(
        title="Tastemaker portal",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        description="Playlist pitches per artist. Every route answers 403 for an artist the token's "
        "account is not linked to.",
    )
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["quote"] = lambda value: quote(str(value), safe="")
    templates.env.filters["thousands"] = lambda value: "" if value is None else f"{value:,}"
    app.state.portal = Portal(
        settings=settings,
        engine=tables.connect(settings.portal_db_url),
        reader=PublicationReader(store.connect(settings.publication_db_url)),
        catalog=CatalogCache(settings.params),
        templates=templates,
        signer=URLSafeSerializer(settings.secret, salt="csrf"),
    )
    app.state.portal.catalog.current()  # loaded before the first request, which would otherwise wait for it
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(BrowserCookiesAndHeaders, secure_cookies=settings.secure_cookies)
    app.add_exception_handler(SignInRequired, _to_sign_in)
    app.add_exception_handler(HTTPException, _error_page)

    from tastemaker.portal import api, pages  # the routes need the names above

    app.include_router(pages.router)
    app.include_router(api.router)

    @app.get("/healthz", tags=["operations"])
    def health() -> dict:
        latest = app.state.portal.reader.latest()
        return {"status": "ok", "publication": latest["run_date"].isoformat() if latest else None}

    return app


def portal(request: Request) -> Portal:
    return request.app.state.portal


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def optional_user(request: Request) -> User | None:
    state = portal(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return accounts.token_user(state.engine, header[7:].strip())
    token = request.cookies.get(SESSION_COOKIE)
    return accounts.session_user(state.engine, token) if token else None


def page_user(request: Request) -> User:
    user = optional_user(request)
    if user is None:
        raise SignInRequired()
    return user


def api_user(request: Request) -> User:
    user = optional_user(request)
    if user is None:
        raise HTTPException(
            401, "sign in or send 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


def label_staff(user: Annotated[User, Depends(page_user)]) -> User:
    if not user.is_label_staff:
        raise HTTPException(403, "this page is for label staff")
    return user


def check_artist(user: User, artist_id: str) -> None:
    if not user.may_see(artist_id):
        raise HTTPException(403, "your account is not linked to this artist")


def visible_artist(artist_id: str, user: Annotated[User, Depends(page_user)]) -> str:
    check_artist(user, artist_id)
    return artist_id


def api_visible_artist(artist_id: str, user: Annotated[User, Depends(api_user)]) -> str:
    check_artist(user, artist_id)
    return artist_id


# What routes declare: the account asking, and the artist of the URL once it is known to be visible to it.
PageUser = Annotated[User, Depends(page_user)]
ApiUser = Annotated[User, Depends(api_user)]
StaffUser = Annotated[User, Depends(label_staff)]
VisibleArtist = Annotated[str, Depends(visible_artist)]
ApiVisibleArtist = Annotated[str, Depends(api_visible_artist)]


def csrf_token(request: Request) -> str:
    return portal(request).signer.dumps(request.state.csrf_nonce)


async def check_csrf(request: Request) -> None:
    """Every form post must carry the token signed from this browser's own CSRF cookie."""
    form = await request.form()
    try:
        nonce = portal(request).signer.loads(str(form.get(CSRF_FIELD, "")))
    except BadSignature:
        nonce = None
    if nonce is None or not secrets.compare_digest(str(nonce), request.cookies.get(CSRF_COOKIE, "")):
        raise HTTPException(
            403, "the form expired or did not come from this site: reload the page and try again"
        )


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        path="/",
        secure=portal(request).settings.secure_cookies,
    )


class BrowserCookiesAndHeaders:
    """Give every browser its CSRF cookie and every answer the security headers.

    Plain ASGI rather than `@app.middleware`: that wrapper costs about a millisecond a request,
    a tenth of what an artist's page takes."""

    def __init__(self, app, secure_cookies: bool):
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        existing = HTTPConnection(scope).cookies.get(CSRF_COOKIE)
        nonce = existing or secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf_nonce"] = nonce

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not existing:
                    carrier = Response()
                    carrier.set_cookie(
                        CSRF_COOKIE,
                        nonce,
                        httponly=True,
                        samesite="strict",
                        path="/",
                        secure=self.secure_cookies,
                    )
                    headers.append("set-cookie", carrier.headers["set-cookie"])
                headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _to_sign_in(request: Request, _: SignInRequired):
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


async def _error_page(request: Request, error: HTTPException):
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
    return portal(request).templates.TemplateResponse(
        request,
        "error.html",
        {"status": error.status_code, "message": error.detail, "user": None},
        status_code=error.status_code,
        headers=error.headers,
    )
