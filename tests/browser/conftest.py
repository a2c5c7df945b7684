"""A real portal server on loopback and Debian's Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.chromium import CHROMIUM, launch_chromium
from tests.conftest import free_port
from tests.portal_world import PORTAL_VARIABLES, build_portal_world

# The docs' screenshots are refreshed on request only (TASTEMAKER_SCREENSHOTS=docs/portal pytest tests/browser),
# so an ordinary test run never rewrites tracked files.
SCREENSHOTS = Path(
    os.environ.get("TASTEMAKER_SCREENSHOTS") or Path(tempfile.gettempdir()) / "tastemaker-screenshots"
)


@pytest.fixture(scope="session")
def portal_url(tmp_path_factory):
    """`tastemaker portal` serving the tiny publication, as a user starts it; stopped after the tests."""
    folder = tmp_path_factory.mktemp("portal-browser")
    env = {key: value for key, value in os.environ.items() if key not in PORTAL_VARIABLES}
    with pytest.MonkeyPatch.context() as patch:
        for name in PORTAL_VARIABLES:
            patch.delenv(name, raising=False)
        build_portal_world(folder)
    port = free_port()
    command = [str(Path(sys.executable).parent / "tastemaker"), "portal", "--port", str(port)]
    server = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the portal exited: {server.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError(f"the portal did not answer within {seconds} s")


@pytest.fixture(scope="module")
def browser():
    """Module-scoped on purpose: an open sync Playwright keeps an asyncio loop running in the main thread, and
    every later test that calls Prefect or Playwright would then find itself "inside" that loop."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, portal_url):
    """A fresh browser profile whose every request must stay on the portal: nothing from another host."""
    context = browser.new_context(base_url=portal_url, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    elsewhere = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(portal_url) else elsewhere.append(request.url),
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert not elsewhere, f"pages asked for other hosts: {elsewhere}"
    assert not dialogs, f"a script from the data ran: {dialogs}"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
