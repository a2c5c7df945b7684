"""The market-shape figures of a world, from its landing zone and, when it exists, its truth.

`tastemaker world describe` prints them and the data tests assert them, so docs/world.md, the
command and the tests always speak of the same numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tastemaker.config import ScoreParams
from tastemaker.errors import UserError
from tastemaker.ranking.fraud import FraudRules, flag_playlists, suspect_ids
from tastemaker.world.truth import truth_dir_for

HOLDOUT_DAYS = 30
# Playlists at least this big count as "big" when comparing how many placements they take.
BIG_PLAYLIST_FOLLOWERS = 10_000


def describe_world(landing: Path) -> dict[str, float]:
    """Named figures of the world at `landing`; truth figures are added when its truth exists."""
    landing = Path(landing)
    catalog, playlists, streams = _read_landing(landing)
    today = streams["date"].max()
    released = catalog[catalog["release_date"] <= today]
    on_playlists = streams[streams["playlist_id"] != ""]
    per_track = streams.groupby("isrc")["streams"].sum().reindex(released["isrc"], fill_value=0)
    first_seen = on_playlists.groupby(["isrc", "playlist_id"])["date"].min()
    cut = today - pd.Timedelta(days=HOLDOUT_DAYS - 1)
    figures = {
        "tracks": len(catalog),
        "artists": catalog["artist_id"].nunique(),
        "playlists_listed": len(playlists),
        "report_days": streams["date"].nunique(),
        "catalog_genre_missing_share": float((catalog["genre"] == "").mean()),
        "top_1pct_tracks_stream_share": _top_share(per_track, 0.01),
        "top_10pct_tracks_stream_share": _top_share(per_track, 0.10),
        "released_never_on_a_playlist_share": float(1 - released["isrc"].isin(on_playlists["isrc"]).mean()),
        "playlist_pairs_seen": len(first_seen),
        "playlist_pairs_seen_before_holdout": int((first_seen < cut).sum()),
        "playlists_streaming_but_unlisted": int(
            (~on_playlists["playlist_id"].drop_duplicates().isin(playlists["playlist_id"])).sum()
        ),
        # the platform's own filter, with its default rules: the truth's is_fraud says how well it does
        "playlists_suspect_of_fraud": len(
            suspect_ids(flag_playlists(streams, FraudRules.from_params(ScoreParams())))
        ),
    }
    truth = truth_dir_for(landing)
    if (truth / "world.json").is_file():
        figures.update(_truth_figures(truth, playlists, streams, streams["date"].min(), today, cut))
    return figures


def _truth_figures(truth: Path, listed: pd.DataFrame, streams, first_day, today, cut) -> dict[str, float]:
    tracks = pd.read_parquet(truth / "tracks.parquet")
    playlists = pd.read_parquet(truth / "playlists.parquet")
    placements = pd.read_parquet(truth / "placements.parquet")
    lacking = sorted(
        ({"substyle", "scene", "catalog_genre"} - set(tracks.columns))
        | ({"kind", "is_fraud", "active_from", "active_to"} - set(playlists.columns))
    )
    if lacking:
        raise UserError(
            f"{truth} was written by an older world generator (no {', '.join(lacking)}); generate it again"
        )
    released = tracks[pd.to_datetime(tracks["release_date"]) <= today]
    delivered = tracks["catalog_genre"]
    figures = {
        "substyles_per_genre_min": float(tracks.groupby("genre")["substyle"].nunique().min()),
        "scenes": tracks["scene"].nunique(),
        "catalog_genre_wrong_share": float(((delivered != "") & (delivered != tracks["genre"])).mean()),
        "mood_playlist_share": float((playlists["kind"] == "mood").mean()),
        "fraud_playlist_share": float(playlists["is_fraud"].mean()),
        "placements": len(placements),
        "placements_before_holdout": int((placements["start"] < cut).sum()),
        "released_never_placed_share": float(1 - released["isrc"].isin(placements["isrc"]).mean()),
        "playlists_opened_in_window": int(playlists["active_from"].between(first_day, today).sum()),
        "playlists_closed": int((playlists["active_to"] <= today).sum()),
        "playlists_not_yet_open": int((playlists["active_from"] > today).sum()),
        "fraud_playlist_stream_share": float(
            streams.loc[
                streams["playlist_id"].isin(playlists.loc[playlists["is_fraud"], "playlist_id"]), "streams"
            ].sum()
            / max(streams["streams"].sum(), 1)
        ),
        "placements_per_playlist_big_over_small": _big_over_small(placements, playlists),
        "same_scene_lift_among_co_placed_tracks": _co_placement_lift(placements, tracks, "scene"),
    }
    appeal_path = truth / "appeal.parquet"
    if appeal_path.is_file():
        appeal = pd.read_parquet(appeal_path, columns=["isrc", "playlist_id", "appeal"])
        appeal = appeal[appeal["playlist_id"].isin(listed["playlist_id"])]
        good = appeal.assign(good=appeal["appeal"] > 0.5).groupby("isrc")["good"]
        figures["good_fit_share_per_query"] = float(good.mean().mean())
        figures["queries_with_a_good_fit_share"] = float(good.any().mean())
    return figures


def _big_over_small(placements: pd.DataFrame, playlists: pd.DataFrame) -> float:
    """Curator placements per honest playlist, big ones (BIG_PLAYLIST_FOLLOWERS+) over the others."""
    honest = playlists[~playlists["is_fraud"]]
    per_playlist = placements[placements["origin"] == "curator"].groupby("playlist_id").size()
    per_playlist = per_playlist.reindex(honest["playlist_id"], fill_value=0).to_numpy(dtype=float)
    is_big = honest["followers"].to_numpy() >= BIG_PLAYLIST_FOLLOWERS
    if not is_big.any() or is_big.all() or per_playlist[~is_big].mean() == 0:
        return float("nan")
    return float(per_playlist[is_big].mean() / per_playlist[~is_big].mean())


def _co_placement_lift(placements: pd.DataFrame, tracks: pd.DataFrame, column: str) -> float:
    """How much likelier two tracks sharing a playlist share `column` than two placed tracks at random."""
    label = tracks.set_index("isrc")[column]
    pairs = placements[["isrc", "playlist_id"]].drop_duplicates()
    together = pairs.merge(pairs, on="playlist_id")
    together = together[together["isrc_x"] < together["isrc_y"]]
    if together.empty:
        return float("nan")
    first, second = label.loc[together["isrc_x"]].to_numpy(), label.loc[together["isrc_y"]].to_numpy()
    same_when_together = (first == second).mean()
    placed = label.loc[pairs["isrc"].unique()]
    shares = placed.value_counts(normalize=True).to_numpy()
    return float(same_when_together / (shares**2).sum())


def _top_share(per_track: pd.Series, share: float) -> float:
    values = np.sort(per_track.to_numpy(dtype=float))[::-1]
    top = max(1, round(share * len(values)))
    return float(values[:top].sum() / max(values.sum(), 1.0))


def _read_landing(landing: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    files = [landing / "catalog.csv", landing / "playlists.csv"]
    missing = [f.name for f in files if not f.is_file()]
    days = sorted((landing / "streams").glob("*.csv"))
    if missing or not days:
        lacking = ", ".join(missing + ([] if days else ["streams/*.csv"]))
        raise UserError(f"{landing} is not a landing zone (no {lacking})")
    try:
        catalog = pd.read_csv(files[0], keep_default_na=False, dtype=str)
        playlists = pd.read_csv(files[1], keep_default_na=False, dtype={"playlist_id": str})
        streams = pd.concat(
            pd.read_csv(f, keep_default_na=False, dtype={"playlist_id": str, "isrc": str}) for f in days
        )
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise UserError(f"{landing} is not a readable landing zone: {error}") from error
    for name, table, needed in (
        ("catalog.csv", catalog, {"isrc", "artist_id", "release_date", "genre"}),
        ("playlists.csv", playlists, {"playlist_id"}),
        ("streams/*.csv", streams, {"date", "isrc", "playlist_id", "territory", "streams", "saves"}),
    ):
        lacking = sorted(needed - set(table.columns))
        if lacking:
            raise UserError(f"{landing}/{name} lacks column(s) {', '.join(lacking)}")
    catalog["release_date"] = pd.to_datetime(catalog["release_date"], errors="coerce")
    streams["date"] = pd.to_datetime(streams["date"])
    return catalog, playlists, streams
