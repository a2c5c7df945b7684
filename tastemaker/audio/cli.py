"""`tastemaker similar`: the tracks or artists that sound most like a given one.

Reads the outputs of the features stage; nothing is analysed here. pandas and the embedding code
load when the command runs, not when `tastemaker` starts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from tastemaker.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

# Outputs of the features stage this command reads (written by pipelines/features.py), per embedding:
# the hand-made descriptors' style profile, or the deep tagger's learned embedding; and the function
# of tastemaker.audio.embedding that turns the table into vectors.
FEATURES_FILE, INDEX_FILE = "track_features.parquet", "similarity.voy"
DEEP_EMBEDDING_FILE, DEEP_INDEX_FILE = "deep_embedding.parquet", "similarity_deep.voy"
EMBEDDINGS = {
    "sound": (FEATURES_FILE, INDEX_FILE, "track_embeddings"),
    "deep": (DEEP_EMBEDDING_FILE, DEEP_INDEX_FILE, "deep_track_embeddings"),
}

similar_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@similar_app.callback(invoke_without_command=True)
def similar(
    track: Annotated[str | None, typer.Option(help="ISRC of the track to find look-alikes for.")] = None,
    artist: Annotated[str | None, typer.Option(help="Artist id or name to find look-alikes for.")] = None,
    k: Annotated[int, typer.Option(min=1, help="How many neighbours to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    embedding: Annotated[
        str,
        typer.Option(
            help="sound: the hand-made descriptors' style profile; deep: the deep tagger's embedding."
        ),
    ] = "sound",
) -> None:
    """Tracks or artists that sound alike, by audio features or by the deep tagger's embedding."""
    import pandas as pd

    from tastemaker.config import load_params

    params = load_params()
    catalog_path = params.paths.validated / "catalog.parquet"
    if not catalog_path.is_file():
        raise UserError(f"no validated catalog at {catalog_path}; run the pipeline first")
    similar_command(
        track, artist, k, as_json, params.paths.features, pd.read_parquet(catalog_path), embedding
    )


def similar_command(
    track: str | None,
    artist: str | None,
    k: int,
    as_json: bool,
    features_dir: Path,
    catalog: pd.DataFrame,
    embedding: str = "sound",
) -> None:
    """Print the k nearest tracks of `track` or artists of `artist` as a table, or as JSON records."""
    import pandas as pd

    from tastemaker.audio import embedding as embeddings

    if (track is None) == (artist is None):
        raise UserError("give exactly one of --track ISRC or --artist ARTIST")
    if embedding not in EMBEDDINGS:
        raise UserError(f"unknown embedding {embedding!r}: use one of {', '.join(EMBEDDINGS)}")
    table_file, index_file, embedder = EMBEDDINGS[embedding]
    features_path = Path(features_dir) / table_file
    if not features_path.is_file():
        hint = " (is features.deep_tagger off?)" if embedding == "deep" else ""
        raise UserError(
            f"no {embedding} embedding input at {features_path}; run the features stage first{hint}"
        )
    isrcs, vectors = getattr(embeddings, embedder)(pd.read_parquet(features_path))
    if track is not None:
        rows = _similar_tracks(track, k, isrcs, vectors, Path(features_dir) / index_file, catalog)
        title = f"Tracks that sound like {track}"
    else:
        artist_id = resolve_artist(artist, catalog)
        rows = _similar_artists(artist_id, k, isrcs, vectors, catalog)
        title = f"Artists that sound like {artist}"
    if as_json:
        print(json.dumps(rows.to_dict(orient="records"), indent=2, default=str))
    else:
        _print_table(title, rows)


def resolve_artist(artist: str, catalog: pd.DataFrame) -> str:
    """The artist_id named by an id or a (case-insensitive) name; a name several artists share is refused."""
    artists = catalog[["artist_id", "artist_name"]].drop_duplicates().astype(str)
    if artist in set(artists["artist_id"]):
        return artist
    matches = artists.loc[artists["artist_name"].str.casefold() == artist.casefold(), "artist_id"].unique()
    if len(matches) == 0:
        raise UserError(f"unknown artist {artist!r}: not an artist id or name in the catalog")
    if len(matches) > 1:
        raise UserError(
            f"several artists are named {artist!r}; use one of the ids {', '.join(sorted(matches))}"
        )
    return str(matches[0])


def _similar_tracks(
    isrc: str, k: int, isrcs: list[str], vectors, index_path: Path, catalog: pd.DataFrame
) -> pd.DataFrame:
    from tastemaker.audio.similarity import SimilarityIndex, build_index

    index = SimilarityIndex.load(index_path) if index_path.is_file() else build_index(isrcs, vectors)
    if isrc not in index:
        raise UserError(f"unknown track {isrc!r}: no audio features for this ISRC")
    neighbours = index.similar_tracks(isrc, k)
    details = [c for c in ("title", "artist_name") if c in catalog.columns]
    info = catalog.drop_duplicates("isrc")[["isrc", *details]]
    named = neighbours.merge(info, on="isrc", how="left")
    return named.assign(rank=range(1, len(named) + 1))[["rank", "isrc", *details, "similarity"]]


def _similar_artists(
    artist_id: str, k: int, isrcs: list[str], vectors, catalog: pd.DataFrame
) -> pd.DataFrame:
    from tastemaker.audio.similarity import similar_artists_by

    analysed = catalog.loc[catalog["isrc"].isin(isrcs), "artist_id"].astype(str)
    if artist_id not in set(analysed):
        raise UserError(f"artist {artist_id!r} has no analysed tracks")
    table = similar_artists_by(isrcs, vectors, catalog, k)
    mine = table.loc[table["artist_id"] == artist_id]
    names = catalog[["artist_id", "artist_name"]].drop_duplicates("artist_id").astype(str)
    named = mine.merge(
        names.rename(columns={"artist_id": "similar_artist_id"}), on="similar_artist_id", how="left"
    )
    return named[["rank", "similar_artist_id", "artist_name", "similarity"]]


def _print_table(title: str, rows: pd.DataFrame) -> None:
    table = Table(title=title)
    for column in rows.columns:
        table.add_column(column, justify="right" if column in ("rank", "similarity") else "left")
    for record in rows.itertuples(index=False):
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in record))
    Console().print(table)
