"""Statuses marked in the portal reach the effect stage's input and the file `world advance` reads."""

import pandas as pd
from typer.testing import CliRunner

from pipelines.effect import effect_input
from tastemaker.cli import app
from tests.portal.conftest import csrf_of, sign_in


def mark(client, rank: int, status: str) -> None:
    token = csrf_of(client.get("/artists/A1").text)
    response = client.post(
        f"/artists/A1/pitches/2026-06-30/{rank}",
        data={"status": status, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_without_marks_the_effect_measures_every_published_row(client, world):
    measured = effect_input(world.settings.params, since=None)
    assert len(measured) == 6 and measured["status"].isna().all()


def test_once_marked_the_effect_measures_what_was_sent_against_the_control(client, world):
    sign_in(client, "ada@artist.test")
    mark(client, 1, "sent")
    mark(client, 4, "skipped")
    mark(client, 4, "accepted")  # the latest mark counts: sent after all, and taken
    mark(client, 2, "skipped")
    measured = effect_input(world.settings.params, since=None)
    assert sorted(zip(measured["artist_id"], measured["rank"], measured["status"].fillna("-"))) == [
        ("A1", 1, "sent"),
        ("A1", 3, "-"),
        ("A1", 4, "accepted"),
    ]  # rank 3 is the control; B2 was never sent


def test_export_writes_which_pitches_went_out(client, world):
    sign_in(client, "ada@artist.test")
    mark(client, 1, "accepted")
    mark(client, 2, "skipped")
    out = world.folder / "publication-with-statuses.parquet"
    result = CliRunner().invoke(app, ["portal", "export-statuses", "--out", str(out)])
    assert result.exit_code == 0, result.output
    exported = pd.read_parquet(out).set_index(["artist_id", "rank"])["status"]
    assert exported[("A1", 1)] == "sent" and exported[("A1", 2)] == "skipped"
    assert exported.drop([("A1", 1), ("A1", 2)]).isna().all()


def test_export_of_an_unknown_date_is_one_line(world):
    result = CliRunner().invoke(
        app, ["portal", "export-statuses", "--out", "x.parquet", "--date", "2020-01-01"]
    )
    assert result.exit_code != 0 and "no publication for 2020-01-01" in str(result.exception)
