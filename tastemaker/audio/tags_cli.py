"""`tastemaker tags`: a track's tags (BPM, key, mode, energy and the deep tagger's genres, moods and
instruments) and its pitch sheet, as a table, JSON or CSV.

Reads the outputs of the features stage and the validated catalog; nothing is analysed here, and no model
is loaded. pandas and the pitch-sheet code load when the command runs, not when `tastemaker` starts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from tastemaker.audio.cli import resolve_artist
from tastemaker.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

AUTO_TAGS_FILE = "auto_tags.parquet"
DEEP_TAGS_FILE = "deep_tags.parquet"
TOP_TAGS = 3

tags_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@tags_app.callback(invoke_without_command=True)
def tags(
    track: Annotated[str | None, typer.Option(help="ISRC of the track.")] = None,
    artist: Annotated[str | None, typer.Option(help="Artist id or name: every track of theirs.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the pitch sheets as JSON.")] = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print the pitch sheets as CSV, ready to paste.")
    ] = False,
) -> None:
    """A track's (or an artist's tracks') tags with their probabilities, and the pre-filled pitch sheet."""
    import pandas as pd

    from tastemaker.config import load_params

    params = load_params()
    catalog_path = params.paths.validated / "catalog.parquet"
    if not catalog_path.is_file():
        raise UserError(f"no validated catalog at {catalog_path}; run the pipeline first")
    print(
        tags_command(track, artist, as_json, as_csv, params.paths.features, pd.read_parquet(catalog_path)),
        end="",
    )


def tags_command(
    track: str | None,
    artist: str | None,
    as_json: bool,
    as_csv: bool,
    features_dir: Path,
    catalog: pd.DataFrame,
) -> str:
    """The text `tastemaker tags` prints."""
    import pandas as pd

    from tastemaker.pitch_sheet import pitch_sheets, sheets_csv

    if (track is None) == (artist is None):
        raise UserError("give exactly one of --track ISRC or --artist ARTIST")
    if as_json and as_csv:
        raise UserError("give at most one of --json and --csv")
    auto_tags_path, deep_tags_path = Path(features_dir) / AUTO_TAGS_FILE, Path(features_dir) / DEEP_TAGS_FILE
    if not auto_tags_path.is_file():
        raise UserError(f"no auto-tags at {auto_tags_path}; run the features stage first")
    auto_tags = pd.read_parquet(auto_tags_path)
    deep_tags = pd.read_parquet(deep_tags_path) if deep_tags_path.is_file() else None
    if track is not None:
        if track not in set(auto_tags["isrc"]):
            raise UserError(f"unknown track {track!r}: no auto-tags for this ISRC")
        chosen = catalog[catalog["isrc"] == track]
    else:
        chosen = catalog[catalog["artist_id"].astype(str) == resolve_artist(artist, catalog)]
        chosen = chosen[chosen["isrc"].isin(auto_tags["isrc"])]
    sheets = pitch_sheets(chosen, auto_tags, deep_tags)
    if as_json:
        return json.dumps(sheets, indent=2, ensure_ascii=False) + "\n"
    if as_csv:
        return sheets_csv(sheets)
    return _tables(sheets, deep_tags)


def _tables(sheets: list[dict], deep_tags: pd.DataFrame | None) -> str:
    from tastemaker.audio.deep_tags import SUMMARY_GROUPS, display_name, ranked
    from tastemaker.pitch_sheet import flatten

    console = Console(width=110)
    with console.capture() as captured:
        for sheet in sheets:
            table = Table(title=f"{sheet['title']} ({sheet['isrc']}) by {sheet['artist_name']}")
            table.add_column("field")
            table.add_column("value")
            table.add_column("confidence", justify="right")
            flat = flatten(sheet)
            for field, value in flat.items():
                if field.endswith("_confidence") or field in ("isrc", "title", "artist_id", "artist_name"):
                    continue
                confidence = flat.get(f"{field}_confidence")
                table.add_row(
                    field,
                    "" if value is None else str(value),
                    "" if confidence is None else f"{confidence:.2f}",
                )
            if deep_tags is not None and sheet["isrc"] in set(deep_tags["isrc"]):
                row = deep_tags.set_index("isrc").loc[sheet["isrc"]]
                for group, group_tags in SUMMARY_GROUPS.items():
                    top = ", ".join(
                        f"{display_name(t)} {p:.2f}" for t, p in ranked(row, group_tags, TOP_TAGS)
                    )
                    table.add_row(f"top {group} tags", top, "")
            console.print(table)
    return captured.get()
