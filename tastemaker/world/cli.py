"""`tastemaker world ...`: generate a simulated market and move it forward in time.

A user's mistake (a foreign folder, an unknown preset) is a `UserError`, which the `tastemaker` entry
point prints as one line (`tastemaker.errors.one_line_errors`).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

app = typer.Typer(
    help="Simulated music market with real audio and a hidden truth, for demos and tests.",
    no_args_is_help=True,
)
console = Console(stderr=True)


@app.command()
def generate(
    out: Path = typer.Option(..., "--out", help="Folder for the landing zone; the truth goes beside it."),
    preset: str = typer.Option("demo", help="World size: tiny, demo or large."),
    seed: int = typer.Option(0, help="Same seed, same world, byte for byte."),
    audio_dir: Path | None = typer.Option(
        None, "--audio-dir", help="Build the world around these audio files."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty folder that holds no world."),
) -> None:
    """Write a landing zone at --out and its hidden truth at <out>_truth."""
    from tastemaker.world.generate import generate_world

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("building the world", total=None)

        def show(description: str, done: int, total: int) -> None:
            bar.update(task, description=description, completed=done, total=total)

        summary = generate_world(
            out, preset=preset, seed=seed, audio_dir=audio_dir, force=force, progress=show
        )
    for name in summary.untagged_files:
        typer.echo(f"no tags, title taken from the file name: {name}", err=True)
    typer.echo(
        f"world {preset} (seed {seed}): {summary.artists} artists, {summary.tracks} tracks, "
        f"{summary.playlists} playlists, {summary.days} days, {summary.stream_rows} report rows -> "
        f"{summary.landing} (truth: {summary.truth}); {len(summary.untagged_files)} untagged files"
    )


@app.command()
def advance(
    world: Path = typer.Option(..., "--world", help="Landing zone of a generated world."),
    days: int = typer.Option(..., "--days", help="How many days to move forward."),
    publication: Path | None = typer.Option(None, "--publication", help="Published pitches (Parquet)."),
    seed: int | None = typer.Option(None, help="Override the world's seed for this advance."),
) -> None:
    """Move the world forward: new releases, new reports, curators answering the published pitches."""
    from tastemaker.world.advance import advance_world

    if publication is None:
        typer.echo("no publication given: curators answered no pitches", err=True)
    with console.status(f"advancing {world} by {days} days"):
        summary = advance_world(world, days, publication=publication, seed=seed)
    typer.echo(
        f"world now at {summary.today}: +{summary.days} days, {summary.new_tracks} new tracks, "
        f"{summary.stream_rows} report rows, {summary.accepted}/{summary.pitched} pitches accepted"
    )


@app.command()
def describe(
    world: Path = typer.Argument(..., help="Landing zone of a world (its truth is read if beside it)."),
) -> None:
    """Print the market-shape figures of a world: popularity, sparsity, churn, fraud, genre quality."""
    from tastemaker.world.describe import describe_world

    figures = describe_world(world)
    width = max(len(name) for name in figures)
    for name, value in figures.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        typer.echo(f"{name:<{width}}  {shown}")
