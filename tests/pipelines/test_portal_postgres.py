"""The portal on PostgreSQL: the same pages, 403s and statuses as on SQLite, its tables beside the publications."""

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tastemaker.portal.statuses import latest_statuses
from tastemaker.portal.web import create_app
from tests.portal.conftest import csrf_of, sign_in
from tests.portal_world import PORTAL_VARIABLES, build_portal_world


def test_the_portal_reads_and_writes_postgresql(postgres_database, tmp_path, monkeypatch):
    for name in PORTAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TASTEMAKER_DB_URL", postgres_database)
    monkeypatch.chdir(tmp_path)
    world = build_portal_world(tmp_path)
    assert world.settings.portal_db_url == postgres_database
    with TestClient(create_app(world.settings), base_url="https://testserver") as client:
        sign_in(client, "ada@artist.test")
        page = client.get("/artists/A1")
        assert page.status_code == 200 and "Harbour Lights" in page.text
        assert client.get("/artists/B2").status_code == 403
        client.post(
            "/artists/A1/pitches/2026-06-30/1", data={"status": "sent", "csrf_token": csrf_of(page.text)}
        )
        assert "Marked sent by ada@artist.test" in client.get("/artists/A1").text
    engine = sa.create_engine(postgres_database)
    assert [(row["artist_id"], row["rank"], row["status"]) for row in latest_statuses(engine)] == [
        ("A1", 1, "sent")
    ]
    assert {"portal_users", "portal_pitch_statuses", "recommendations"} <= set(
        sa.inspect(engine).get_table_names()
    )
    engine.dispose()
