"""`tastemaker portal ...`: serve the portal and manage its accounts from the terminal.

Nothing here imports FastAPI, uvicorn, SQLAlchemy or the portal's stores until a command needs them,
so `tastemaker --help` stays fast.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Annotated

import typer

from tastemaker.config import Params, load_params
from tastemaker.errors import UserError
from tastemaker.portal.settings import load_settings, portal_db_url

app = typer.Typer(
    no_args_is_help=False,
    invoke_without_command=True,
    help="The artist and label portal: `tastemaker portal` serves it.",
)

Role = Annotated[
    str,
    typer.Option(
        help="admin (every artist, every action), member (read, mark pitches) "
        "or artist (only the linked artists)."
    ),
]
Artists = Annotated[
    list[str] | None, typer.Option("--artist", help="Artist id the account may see (repeat).")
]
DEMO_ADMIN = "admin@demo.local"
DEMO_ARTIST = "artist@demo.local"


@app.callback()
def serve(
    context: typer.Context,
    host: Annotated[str | None, typer.Option(help="Listen address (default: portal.host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: portal.port).")] = None,
):
    """Serve the portal (uvicorn) on the publication database."""
    if context.invoked_subcommand is not None:
        return
    from tastemaker.portal import tables
    from tastemaker.publication import store

    params = load_params()
    settings = load_settings(params)
    if not store.run_dates(store.connect(settings.publication_db_url)):
        typer.echo(
            "warning: nothing has been published yet: run `tastemaker run` (or `make demo`) first", err=True
        )
    tables.connect(settings.portal_db_url)
    import uvicorn

    rules = params.portal
    host, port = host or rules.host, port or rules.port
    typer.echo(f"portal on http://{host}:{port} (put TLS in front of it: docs/deploy.md)", err=True)
    uvicorn.run(
        "tastemaker.portal.server:create_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=rules.workers,
        proxy_headers=True,
        log_level="warning",
    )


def _engine(params: Params):
    from tastemaker.portal import tables

    return tables.connect(portal_db_url(params))


@app.command("add-user")
def add_user(
    email: Annotated[str, typer.Argument(help="The account's e-mail, used to sign in.")],
    role: Role = "artist",
    artist: Artists = None,
    name: Annotated[str, typer.Option(help="Name shown in the portal.")] = "",
):
    """Create an account with a password typed at the prompt."""
    from tastemaker.portal import accounts

    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = accounts.add_user(_engine(load_params()), email, name, role, artist or [], password)
    typer.echo(
        f"created {user.role} {user.email}"
        + (f" for {', '.join(sorted(user.artists))}" if user.artists else "")
    )


@app.command()
def invite(
    email: Annotated[str, typer.Argument(help="Who is invited.")],
    role: Role = "artist",
    artist: Artists = None,
    name: Annotated[str, typer.Option(help="Name shown in the portal.")] = "",
    base_url: Annotated[str, typer.Option(help="Where the portal is reached.")] = "",
):
    """Create an account without a password and print a link, valid portal.invite_hours, to choose one."""
    from tastemaker.portal import accounts

    params = load_params()
    engine = _engine(params)
    user = accounts.add_user(engine, email, name, role, artist or [], password=None)
    token = accounts.create_invite(engine, user.id, params.portal.invite_hours)
    base = base_url.rstrip("/") or f"http://{params.portal.host}:{params.portal.port}"
    typer.echo(f"{base}/invite/{token}  (expires in {params.portal.invite_hours:g} hours)")


@app.command()
def token(
    email: Annotated[str, typer.Argument(help="The account the token acts as.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
):
    """Print a new API token (shown once) for an account: send it as `Authorization: Bearer <token>`."""
    from tastemaker.portal import accounts

    engine = _engine(load_params())
    typer.echo(accounts.create_api_token(engine, accounts.user_id_by_email(engine, email), label))


@app.command("demo-users")
def demo_users():
    """Create (or reset) a demo label admin and a demo artist, with fresh random passwords printed here."""
    from tastemaker.portal import accounts
    from tastemaker.publication import store

    params = load_params()
    publication = store.connect(load_settings(params).publication_db_url)
    if not store.run_dates(publication):
        raise UserError("nothing has been published yet: run `make demo` first")
    artist = store.read_recommendations(publication, _first_artist(publication))
    artist_id, artist_name = str(artist["artist_id"].iloc[0]), str(artist["artist_name"].iloc[0])
    engine = _engine(params)
    for email, role, name, artists in (
        (DEMO_ADMIN, "admin", "Demo label admin", []),
        (DEMO_ARTIST, "artist", artist_name, [artist_id]),
    ):
        password = secrets.token_urlsafe(12)
        accounts.reset_demo_user(engine, email, name, role, artists, password)
        typer.echo(
            f"{role:6}  {email}  password: {password}"
            + (f"  (artist {artist_name}, {artist_id})" if artists else "")
        )


def _first_artist(engine) -> str:
    import sqlalchemy as sa

    from tastemaker.publication import store

    query = (
        sa.select(store.RECOMMENDATIONS.c.artist_id)
        .where(store.RECOMMENDATIONS.c.run_date == store.run_dates(engine)[0])
        .order_by(store.RECOMMENDATIONS.c.artist_name, store.RECOMMENDATIONS.c.artist_id)
        .limit(1)
    )
    with engine.connect() as connection:
        return connection.scalar(query)


@app.command("export-statuses")
def export_statuses(
    out: Annotated[
        Path, typer.Option("--out", help="Parquet file to write (for `world advance --publication`).")
    ],
    date: Annotated[str | None, typer.Option(help="Publication date YYYY-MM-DD (default: latest).")] = None,
):
    """Write a publication with a `status` column saying which pitches the label marked sent."""
    from tastemaker.portal import statuses
    from tastemaker.publication import store

    params = load_params()
    publication = store.connect(load_settings(params).publication_db_url)
    dates = store.run_dates(publication)
    if not dates:
        raise UserError("nothing has been published yet: run `tastemaker run` first")
    try:
        run_date = dt.date.fromisoformat(date) if date else dates[0]
    except ValueError:
        raise UserError(f"not a date (YYYY-MM-DD): {date}") from None
    recommendations = statuses.published_rows(publication, run_date)
    if recommendations.empty:
        raise UserError(f"no publication for {run_date.isoformat()}")
    exported = statuses.export_with_statuses(
        recommendations, statuses.latest_statuses(_engine(params), run_date=run_date)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    exported.to_parquet(out, index=False)
    sent = int((exported["status"] == "sent").sum())
    typer.echo(f"{out}: {len(exported)} pitches of {run_date.isoformat()}, {sent} marked sent")
