"""Who may see what: sign-in, session cookies, per-artist authorization on pages and API, the rate limit."""

import pytest
import sqlalchemy as sa

from tastemaker.portal import accounts
from tastemaker.portal.tables import AUDIT
from tests.portal.conftest import csrf_of, new_client, sign_in

ARTIST_PAGES = [
    "/artists/{}",
    "/artists/{}/results",
    "/artists/{}/similar",
    "/artists/{}/tracks/GBAAA2600001",
]


def test_pages_need_a_sign_in(client):
    response = client.get("/artists/A1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/artists/A1"
    assert client.get("/api/v1/artists/A1/pitches").status_code == 401


def test_session_cookie_is_secure_http_only_and_same_site(client):
    response = sign_in(client, "ada@artist.test")
    assert response.status_code == 303
    cookie = next(
        value for value in response.headers.get_list("set-cookie") if value.startswith("tm_session=")
    )
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite=strict"} <= flags


def test_a_wrong_password_is_refused(client):
    assert sign_in(client, "ada@artist.test", "not-her-password").status_code == 401
    assert client.get("/artists/A1", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("page", ARTIST_PAGES)
def test_an_artist_sees_only_their_own_artist(client, page):
    sign_in(client, "ada@artist.test")
    assert client.get(page.format("A1")).status_code == 200
    assert client.get(page.format("B2").replace("GBAAA2600001", "GBBBB2600001")).status_code == 403


def test_an_artist_gets_403_from_the_api_for_another_artist(client):
    sign_in(client, "ada@artist.test")
    assert client.get("/api/v1/artists/A1/pitches").status_code == 200
    assert client.get("/api/v1/artists/B2/pitches").status_code == 403
    assert client.get("/api/v1/artists/B2/similar").status_code == 403
    assert [row["artist_id"] for row in client.get("/api/v1/artists").json()] == ["A1"]
    assert client.get("/label").status_code == 403


def test_label_staff_see_every_artist_and_only_admins_the_audit_log(client):
    sign_in(client, "member@label.test")
    assert all(client.get(f"/artists/{artist}").status_code == 200 for artist in ("A1", "B2"))
    assert client.get("/label").status_code == 200
    assert client.get("/label/audit").status_code == 403
    client.cookies.clear()
    sign_in(client, "admin@label.test")
    assert client.get("/label/audit").status_code == 200
    assert "Ada Lane" in client.get("/artists").text and "Bo Reed" in client.get("/artists").text


def test_forms_without_the_csrf_token_are_refused(client):
    client.get("/login")
    refused = client.post(
        "/login", data={"email": "ada@artist.test", "password": "ada-password-12"}, follow_redirects=False
    )
    assert refused.status_code == 403
    sign_in(client, "ada@artist.test")
    page = client.get("/artists/A1").text
    forged = client.post("/artists/A1/pitches/2026-06-30/1", data={"status": "sent", "csrf_token": "forged"})
    assert forged.status_code == 403
    accepted = client.post(
        "/artists/A1/pitches/2026-06-30/1",
        data={"status": "sent", "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303


def test_a_csrf_token_of_another_browser_is_refused(client, world):
    sign_in(client, "ada@artist.test")
    with new_client(world) as other:
        other_token = csrf_of(other.get("/login").text)
    response = client.post(
        "/artists/A1/pitches/2026-06-30/1", data={"status": "sent", "csrf_token": other_token}
    )
    assert response.status_code == 403


def test_sign_ins_are_rate_limited_and_audited(client, world, engine):
    limit = world.settings.params.portal.login_max_failures
    for _ in range(limit):
        assert sign_in(client, "bo@artist.test", "guessing-again").status_code == 401
    assert sign_in(client, "bo@artist.test").status_code == 429  # even the right password, for a while
    assert sign_in(client, "ada@artist.test").status_code == 303  # another account is unaffected
    with engine.connect() as connection:
        actions = [
            row.action
            for row in connection.execute(sa.select(AUDIT.c.action, AUDIT.c.email))
            if row.email in ("bo@artist.test", "ada@artist.test")
        ]
    assert actions.count("login_failed") == limit and "login_blocked" in actions and "login" in actions


def test_signing_out_ends_the_session(client):
    sign_in(client, "ada@artist.test")
    page = client.get("/artists/A1").text
    assert (
        client.post("/logout", data={"csrf_token": csrf_of(page)}, follow_redirects=False).status_code == 303
    )
    assert client.get("/artists/A1", follow_redirects=False).status_code == 303


def test_api_tokens_follow_the_same_rules(client, engine):
    token = accounts.create_api_token(engine, accounts.user_id_by_email(engine, "bo@artist.test"), "tests")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/artists/B2/pitches", headers=headers).status_code == 200
    assert client.get("/api/v1/artists/A1/pitches", headers=headers).status_code == 403
    assert (
        client.get("/api/v1/artists/B2/pitches", headers={"Authorization": "Bearer tm_wrong"}).status_code
        == 401
    )
    changed = client.post(
        "/api/v1/artists/B2/pitches/2026-06-30/1/status",
        headers=headers,
        json={"status": "sent", "note": "emailed the curator"},
    )
    assert changed.status_code == 201
    assert client.get("/api/v1/artists/B2/pitches", headers=headers).json()["pitches"][0]["status"] == "sent"
    assert "/api/v1/artists/{artist_id}/pitches" in client.get("/api/v1/openapi.json").json()["paths"]


def test_an_invitation_works_once_and_expires(client, engine):
    invited = accounts.add_user(engine, "new@artist.test", "New Artist", "artist", ["B2"], password=None)
    link = accounts.create_invite(engine, invited.id, hours=1)
    form = client.get(f"/invite/{link}")
    assert form.status_code == 200
    accepted = client.post(
        f"/invite/{link}",
        data={"csrf_token": csrf_of(form.text), "password": "a-new-password"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert client.get(f"/invite/{link}").status_code == 404
    assert sign_in(client, "new@artist.test", "a-new-password").status_code == 303
    expired = accounts.create_invite(engine, invited.id, hours=-1)
    assert client.get(f"/invite/{expired}").status_code == 404


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_signing_in_never_redirects_to_another_site(client, target):
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": "ada@artist.test", "password": "ada-password-12", "next": target},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
