"""The random-choice arm: reproducible, rule-abiding, drawn from the eligible candidates."""

import pandas as pd

from tastemaker.effect.exploration import explore

SCORED = pd.DataFrame(
    [(f"T{t}", f"P{p}", f"A{t % 3}", t * 0.1 + p * 0.01, p == 0) for t in range(9) for p in range(12)],
    columns=["isrc", "playlist_id", "artist_id", "score", "already_placed"],
)


def model_picks() -> pd.DataFrame:
    best = SCORED[~SCORED["already_placed"]].sort_values("score", ascending=False)
    picks = best.groupby("artist_id").head(5).drop_duplicates(["artist_id", "playlist_id"]).copy()
    picks["rank"] = picks.groupby("artist_id").cumcount() + 1
    return picks.drop(columns="already_placed").reset_index(drop=True)


def test_exploration_is_seeded_and_replaces_about_the_share():
    first = explore(model_picks(), SCORED, 0.5, 7, "2026-06-30", 1, 5)
    assert first.equals(explore(model_picks(), SCORED, 0.5, 7, "2026-06-30", 1, 5))
    other_day = explore(model_picks(), SCORED, 0.5, 7, "2026-07-01", 1, 5)
    assert not first["is_explore"].equals(other_day["is_explore"])
    assert 0 < first["is_explore"].sum() < len(first)
    assert not explore(model_picks(), SCORED, 0.0, 7, "2026-06-30", 1, 5)["is_explore"].any()


def test_random_picks_are_new_eligible_pairs_of_the_same_artist_in_the_same_slot():
    picks = model_picks()
    explored = explore(picks, SCORED, 0.6, 3, "2026-06-30", 1, 5)
    assert (explored[["artist_id", "rank"]] == picks[["artist_id", "rank"]]).all().all()
    random_rows = explored[explored["is_explore"]]
    candidates = SCORED.set_index(["isrc", "playlist_id"])
    for row in random_rows.itertuples():
        assert candidates.loc[(row.isrc, row.playlist_id), "artist_id"] == row.artist_id
        assert not candidates.loc[(row.isrc, row.playlist_id), "already_placed"]
    assert not explored.duplicated(["artist_id", "playlist_id"]).any()
    kept = ~explored["is_explore"]
    assert explored.loc[kept, picks.columns].equals(picks[kept])


def test_random_picks_respect_the_publication_caps():
    picks = model_picks()
    explored = explore(picks, SCORED, 0.9, 5, "2026-06-30", 1, 1)
    assert explored.groupby(["artist_id", "playlist_id"]).size().max() == 1
    replaced = explored[explored["is_explore"]]
    assert replaced.groupby(["artist_id", "isrc"]).size().max() == 1
