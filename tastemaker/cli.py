"""The `tastemaker` command.

Long work (`run`, `validate`) is launched as the same entry points the scheduler and DVC use
(`python -m flows.pipeline`, `python -m pipelines.<stage>`), so the library never imports
Prefect or DVC and the CLI can never drift from what runs in production.

pandas, SQLAlchemy, fsspec and the portal's and audio's modules load inside the commands that use
them, so `tastemaker --help` and `tastemaker recs` start fast (benchmarks/cli_startup.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tastemaker.audio.cli import similar_app
from tastemaker.audio.tags_cli import tags_app
from tastemaker.config import Params, load_params
from tastemaker.endpoints import resolve_endpoints
from tastemaker.errors import UserError, one_line_errors
from tastemaker.locking import ensure_unlocked
from tastemaker.portal.cli import app as portal_app
from tastemaker.source_binding import check_source
from tastemaker.world.cli import app as world_app

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    help="Daily, explained playlist pitches and similar artists for every artist.",
)
app.add_typer(world_app, name="world", help="Generate and advance the built-in demo world.")
app.add_typer(similar_app, name="similar", help="Tracks or artists that sound like a track or an artist.")
app.add_typer(portal_app, name="portal", help="The artist and label portal: serve it, manage its accounts.")
app.add_typer(tags_app, name="tags", help="A track's tags and pre-filled pitch sheet (table, JSON or CSV).")
console = Console()

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.command()
def run(
    source: Annotated[
        str | None, typer.Option(help="Landing zone folder or URL (default: ingest.source).")
    ] = None,
    retrain: Annotated[
        bool, typer.Option("--retrain", help="Train and register a new model version first.")
    ] = False,
):
    """Take in the delivery, score and publish with the current champion (training first when there is
    none yet, or with --retrain), as one Prefect flow run, and print a summary."""
    params = load_params()
    ensure_unlocked(params.paths.state)  # the flow run takes the lock itself; this only fails fast
    _require_source(params, source or params.ingest.source)
    command = (
        [sys.executable, "-m", "flows.pipeline"]
        + (["--source", source] if source else [])
        + (["--retrain"] if retrain else [])
    )
    if subprocess.run(command, env=flow_environment(params), check=False).returncode != 0:
        raise typer.Exit(1)
    print_summary(params)


def flow_environment(params: Params) -> dict[str, str]:
    """Without a Prefect server, keep Prefect's temporary API and its database inside the project,
    give it time to start on a busy laptop, and send no telemetry."""
    env = dict(os.environ)
    if not env.get("PREFECT_API_URL"):
        prefect_home = params.paths.state / "prefect"
        prefect_home.mkdir(parents=True, exist_ok=True)
        env.setdefault("PREFECT_HOME", str(prefect_home.resolve()))
        env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return env


@app.command()
def train(
    sweep: Annotated[int, typer.Option(help="Search N hyperparameter settings as nested MLflow runs.")] = 0,
):
    """Train, evaluate and register the ranker alone (on the validated data and features already there)."""
    params = load_params()
    command = [sys.executable, "-m", "pipelines.train"] + (["--sweep", str(sweep)] if sweep else [])
    ensure_unlocked(params.paths.state)  # the stage takes the lock itself; this only fails fast
    raise typer.Exit(subprocess.run(command, check=False).returncode)


@app.command()
def serve():
    """Serve the scheduled deployments (daily scoring, weekly retraining, intake) to a Prefect server."""
    params = load_params()
    if not os.environ.get("PREFECT_API_URL"):
        raise UserError(
            "set PREFECT_API_URL to a Prefect server first (start one with `prefect server start`)"
        )
    raise typer.Exit(
        subprocess.run(
            [sys.executable, "-m", "flows.deployments"], env=flow_environment(params), check=False
        ).returncode
    )


@app.command()
def validate(
    source: Annotated[
        str | None, typer.Option(help="Landing zone folder or URL (default: ingest.source).")
    ] = None,
    as_json: JsonFlag = False,
):
    """Ingest and validate a delivery alone; print what was accepted and quarantined."""
    params = load_params()
    ensure_unlocked(params.paths.state)
    _require_source(params, source or params.ingest.source)
    report_path = params.paths.validation_report
    report_path.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pipelines.delivery"] + (["--source", source] if source else [])
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    if not report_path.is_file():  # refused before validation could report (its error is on stderr)
        raise typer.Exit(1)
    report = json.loads(report_path.read_text())
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        _print_validation(report)
    if completed.returncode != 0:
        raise typer.Exit(1)


@app.command()
def recs(
    artist: Annotated[str, typer.Option(help="Artist id or name.")],
    date: Annotated[str | None, typer.Option(help="Publication date YYYY-MM-DD (default: latest).")] = None,
    as_json: JsonFlag = False,
):
    """The published, ranked pitches of one artist."""
    from tastemaker.publication import store

    params = load_params()
    run_date = _parse_date(date) if date else None
    found = store.recommendation_rows(_publication_db(params), artist, run_date)
    if as_json:
        records = [
            row | {"run_date": str(row["run_date"]), "reasons": json.loads(row["reasons"])} for row in found
        ]
        print(json.dumps(records, indent=2, default=str))
        return
    _print_pitches(found)


@app.command()
def effect(
    since: Annotated[
        str | None, typer.Option(help="Only publications from this date on (YYYY-MM-DD).")
    ] = None,
    as_json: JsonFlag = False,
):
    """Measure whether the published pitches worked, against the control and random groups."""
    from tastemaker.effect.cli import print_effect

    params = load_params()
    if since:
        _parse_date(since)
    command = [sys.executable, "-m", "pipelines.effect"] + (["--since", since] if since else [])
    if subprocess.run(command, stdout=subprocess.DEVNULL, check=False).returncode != 0:
        raise typer.Exit(1)
    print_effect(json.loads((params.paths.effect / "effect.json").read_text()), as_json)


@app.command()
def doctor():
    """Which backends are in use (passwords masked), and whether each one answers."""
    from tastemaker.health import check_backends

    statuses = check_backends(resolve_endpoints(load_params().paths.state))
    table = Table(title="Backends")
    for column in ("backend", "target", "status"):
        table.add_column(column)
    for status in statuses:
        table.add_row(status.name, status.target, ("ok: " if status.ok else "FAILED: ") + status.message)
    console.print(table)
    if not all(status.ok for status in statuses):
        raise typer.Exit(1)


@app.command()
def summary():
    """Summarise the latest run from the stages' outputs."""
    print_summary(load_params())


def print_summary(params: Params) -> None:
    import pandas as pd

    paths = params.paths
    needed = (
        paths.validated / "catalog.parquet",
        paths.training / "model.json",
        paths.publication / "publication.json",
        paths.publication / "recommendations.parquet",
    )
    missing = [str(path) for path in needed if not path.is_file()]
    if missing:
        raise UserError(
            f"nothing to summarise yet ({', '.join(missing)} missing): run `tastemaker run` first"
        )
    catalog = pd.read_parquet(paths.validated / "catalog.parquet", columns=["isrc", "artist_id"])
    model = json.loads((paths.training / "model.json").read_text())
    publication = json.loads((paths.publication / "publication.json").read_text())
    console.rule("Tastemaker run")
    console.print(f"tracks processed: {len(catalog)}  artists: {catalog['artist_id'].nunique()}")
    # Lines that carry paths or URLs are never folded, so they can be copied whole from any terminal.
    console.print(
        f"MLflow run: {model['run_id']}  ({resolve_endpoints(paths.state).described()['mlflow']})",
        soft_wrap=True,
    )
    champion = f"alias champion -> version {model['champion_version']}"
    console.print(
        f"registered model: {model['model_name']} version {model['model_version']} "
        f"({'champion' if model['promoted'] else 'challenger'}; {champion})"
    )
    console.print(headline_line(model["headline"], json.loads((paths.training / "metrics.json").read_text())))
    console.print(
        f"publication: {publication['database']} and {paths.publication / 'recommendations.parquet'} "
        f"({publication['pitches']} pitches for {publication['artists']} artists, "
        f"run date {publication['run_date']})",
        soft_wrap=True,
    )
    published = pd.read_parquet(paths.publication / "recommendations.parquet")
    first_artist = published.sort_values("artist_name")["artist_id"].iloc[0]
    _print_pitches(published[published["artist_id"] == first_artist].head(5).to_dict("records"))


def headline_line(headline: str, metrics: dict) -> str:
    """The model's headline beside the references it has to beat, and its interval against the strongest."""
    shown = metrics[headline]["all"]
    references = [name for name in ("genre_popularity", "oracle_without_sound", "oracle") if name in shown]
    against = ", ".join(f"{name} {shown[name]:.3f}" for name in references)
    interval = metrics["interval"][headline]["all"].get("model_minus_genre_popularity")
    gap = (
        f"; model - genre_popularity {interval['mean']:+.3f} [{interval['low']:+.3f}, {interval['high']:+.3f}]"
        if interval
        else ""
    )
    return f"{headline} (all tracks): model {shown['model']:.3f} ({against}){gap}"


def _print_pitches(pitches: list[dict]) -> None:
    first = pitches[0]
    table = Table(title=f"Pitches for {first['artist_name']} ({first['artist_id']}), {first['run_date']}")
    for column in ("rank", "track", "playlist", "score", "why"):
        table.add_column(column)
    for row in pitches:
        control = " [dim](control: do not pitch)[/dim]" if row["is_control"] else ""
        table.add_row(
            str(row["rank"]),
            f"{row['track_title']} ({row['isrc']})",
            row["playlist_name"] + control,
            f"{row['score']:.3f}",
            json.loads(row["reasons"])[0],
        )
    console.print(table)


def _print_validation(report: dict) -> None:
    table = Table(title="Validation")
    for column in ("table", "rows in", "accepted", "quarantined"):
        table.add_column(column)
    for name, counts in report["tables"].items():
        table.add_row(name, str(counts["rows_in"]), str(counts["accepted"]), str(counts["quarantined"]))
    console.print(table)


def _publication_db(params: Params):
    from tastemaker.publication import store

    return store.connect(resolve_endpoints(params.paths.state).publication_db_url)


def _require_source(params: Params, source: str) -> None:
    import fsspec

    filesystem, root = fsspec.core.url_to_fs(source)
    if not filesystem.isdir(root):
        raise UserError(f"source folder not found: {source}")
    check_source(params.paths.state, source)


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"not a date (YYYY-MM-DD): {text}") from None


def main() -> None:
    """Console entry point: user mistakes become one line on stderr and exit code 1."""
    with one_line_errors():
        app()
