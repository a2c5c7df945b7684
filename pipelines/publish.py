"""Stage `publish`: pick each artist's pitches, explain them and publish them atomically.

Database, Parquet files, the day folder and the receipt change together or not at all
(`tastemaker.publication.commit`): any failure leaves every store on the same publication.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from pipelines.common import lineage, read_json, stage_main
from pipelines.train import read_inputs
from tastemaker import tracking
from tastemaker.config import Params
from tastemaker.effect.exploration import explore
from tastemaker.endpoints import resolve_endpoints
from tastemaker.pitch_sheet import pitch_sheets, sheets_by_artist
from tastemaker.publication import store
from tastemaker.publication.commit import publish_everywhere
from tastemaker.publication.files import prune_publication_files
from tastemaker.publication.similar_artists import similar_artists
from tastemaker.ranking.bands import expected_streams
from tastemaker.ranking.contributions import faithfulness
from tastemaker.ranking.dataset import as_of_date
from tastemaker.ranking.outcomes import placements
from tastemaker.ranking.pitches import in_territories, mark_control, select_pitches
from tastemaker.ranking.reasons import cited_group, explain
from tastemaker.ranking.scoring import explain_pairs

EXPLORATION_REASON = (
    "exploration: drawn at random among the eligible candidates, to measure what the model adds"
)


def run(params: Params) -> dict:
    tables = read_inputs(params)
    catalog, playlists = tables["catalog"], tables["playlists"]
    scoring = read_json(params.paths.scores / "scoring.json")
    run_date = as_of_date(tables["streams"]).date()
    provenance = lineage(params)
    scored = pd.read_parquet(params.paths.scores / "scores.parquet")
    rules = params.publish
    # Before exploration too: random slots respect licensing as well.
    scored = scored[in_territories(scored["playlist_id"], playlists, rules.eligible_territories)]
    pitches = explore(
        select_pitches(scored, rules),
        scored,
        rules.explore_share,
        rules.explore_seed,
        run_date.isoformat(),
        rules.max_pitches_per_playlist,
        rules.max_pitches_per_track,
    )
    pitches = pitches.join(
        expected_streams(
            pitches, tables["streams"], playlists, rules.band_window_days, rules.band_min_placements
        )
    )
    placed = placements(tables["streams"], playlists)
    auto_tags = pd.read_parquet(params.paths.features / "auto_tags.parquet")
    pitches["reasons"], faithful = explain_model_pitches(params, scoring, tables, pitches, placed, auto_tags)
    pitches["is_control"] = mark_control(
        pitches, params.publish.control_share, params.publish.control_seed, run_date.isoformat()
    )
    run_id = f"{run_date.isoformat()}-v{scoring['model_version']}-{provenance.data_version[:8]}"
    recommendations = pitches.merge(
        catalog[["isrc", "title", "artist_name"]].rename(columns={"title": "track_title"}), on="isrc"
    ).merge(playlists[["playlist_id", "name"]].rename(columns={"name": "playlist_name"}), on="playlist_id")
    recommendations = recommendations.assign(
        run_date=run_date,
        run_id=run_id,
        model_name=scoring["model_name"],
        model_version=str(scoring["model_version"]),
        data_version=provenance.data_version,
    ).sort_values(["artist_id", "rank"], ignore_index=True)
    similar = similar_artists(
        tables["features"],
        catalog,
        placed,
        params.publish.similar_artists_k,
        params.publish.co_listening_weight,
    )
    names = catalog.drop_duplicates("artist_id").set_index("artist_id")["artist_name"]
    similar = similar.assign(
        run_date=run_date,
        run_id=run_id,
        similar_artist_name=similar["similar_artist_id"].map(names).fillna(""),
    )
    header = {
        "run_date": run_date,
        "run_id": run_id,
        "published_at": dt.datetime.now(dt.UTC),
        "model_name": scoring["model_name"],
        "model_version": str(scoring["model_version"]),
        "data_version": provenance.data_version,
        "git_commit": provenance.git_commit,
        "params_hash": provenance.params_hash,
        "artists": int(recommendations["artist_id"].nunique()),
        "pitches": len(recommendations),
    }
    endpoints = resolve_endpoints(params.paths.state)
    out = params.paths.publication
    deep_tags_path = params.paths.features / "deep_tags.parquet"  # absent when features.deep_tagger is off
    sheets = pitch_sheets(
        catalog[catalog["artist_id"].isin(recommendations["artist_id"])],
        auto_tags,
        pd.read_parquet(deep_tags_path) if deep_tags_path.is_file() else None,
    )
    receipt = publish_everywhere(
        store.connect(endpoints.publication_db_url),
        out,
        publication_journal(params),
        header,
        recommendations,
        similar,
        params.publish.keep_days,
        {"database": endpoints.described()["publications"], "reasons_faithfulness": round(faithful, 4)},
        sheets_by_artist(sheets),
    )
    prune_publication_files(out / "files", params.publish.keep_days, run_date)
    return receipt


def explain_model_pitches(
    params: Params,
    scoring: dict,
    tables: dict,
    pitches: pd.DataFrame,
    placed: pd.DataFrame,
    auto_tags: pd.DataFrame,
) -> tuple[pd.Series, float]:
    """Reasons from the contributions of the model version that scored them, and their faithfulness: the share
    of model pitches whose score drops when the evidence their first reason cites is removed. Exploration
    picks were drawn at random, so they get that reason and no model reason."""
    tracking.connect(resolve_endpoints(params.paths.state))
    model = tracking.load_ranker(tracking.version_uri(scoring["model_name"], scoring["model_version"]))
    served = tables["playlists"][~tables["playlists"]["playlist_id"].isin(scoring["suspect_playlists"])]
    chosen = pitches[~pitches["is_explore"]]
    explained = explain_pairs(model, chosen, tables["catalog"], served, tables["streams"], tables["features"])
    reasons = pd.Series(json.dumps([EXPLORATION_REASON]), index=pitches.index, dtype=object)
    reasons[chosen.index] = explain(
        chosen, explained, tables["catalog"], tables["playlists"], placed, auto_tags
    )
    cited = reasons[chosen.index].map(lambda found: cited_group(json.loads(found)[0]))
    return reasons, faithfulness(model.booster, explained[model.columns], cited, model.background)


def publication_journal(params: Params):
    """Apart from the delivery's journal: only the database may decide whether this one rolls forward."""
    return params.paths.state / "publication-commit.json"


def main() -> None:
    stage_main(run)


if __name__ == "__main__":
    main()
