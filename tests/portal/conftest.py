"""A portal on the tiny publication of tests/portal_world.py, served in-process by FastAPI's TestClient."""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient

from tastemaker.portal import tables
from tastemaker.portal.web import create_app
from tests.portal_world import PASSWORDS, PORTAL_VARIABLES, build_portal_world, open_portal_world


@pytest.fixture(scope="session")
def built_world(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        for name in PORTAL_VARIABLES:
            patch.delenv(name, raising=False)
        return build_portal_world(tmp_path_factory.mktemp("portal-template")).folder


@pytest.fixture
def world(built_world, tmp_path, monkeypatch):
    """A fresh copy of the built project for each test, worked in as a user would."""
    for name in PORTAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "project"
    shutil.copytree(built_world, folder)
    monkeypatch.chdir(folder)
    return open_portal_world(folder)


@pytest.fixture
def engine(world):
    engine = tables.connect(world.settings.portal_db_url)
    yield engine
    engine.dispose()


def new_client(world) -> TestClient:
    # https: the session cookie is Secure, so a client on plain http would never send it back.
    return TestClient(create_app(world.settings), base_url="https://testserver")


@pytest.fixture
def client(world):
    with new_client(world) as client:
        yield client


def csrf_of(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def sign_in(client: TestClient, email: str, password: str | None = None):
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password or PASSWORDS[email], "next": "/"},
        follow_redirects=False,
    )
