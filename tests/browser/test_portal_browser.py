"""The portal in Chromium: an artist's sign-in to sign-out, a label admin's view, delivered text as text."""

import pytest

from tests.browser.conftest import screenshot
from tests.portal_world import PASSWORDS, SCRIPT_TITLE

pytestmark = pytest.mark.slow


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORDS[email])
    page.click("form.card button[type=submit]")
    page.wait_for_selector("header nav")


def test_an_artist_works_through_their_own_pitches_only(page):
    sign_in(page, "ada@artist.test")
    assert page.url.endswith("/artists/A1")
    pitches = page.locator("li.pitch")
    assert "Harbour Lights" in pitches.first.inner_text()
    assert "Neon River" not in page.content()  # Bo Reed's track
    assert "Random pick" in page.locator("#pitch-2").inner_text()
    assert page.locator("#pitch-3").count() == 0  # the control pair is not offered
    assert page.goto("/artists/B2").status == 403
    assert page.goto("/api/v1/artists/B2/pitches").status == 403

    page.goto("/artists/A1")
    page.locator("#pitch-1 input[name=note]").fill("sent to North Lists by e-mail")
    page.locator("#pitch-1 button[value=sent]").click()
    page.wait_for_selector("#pitch-1 .status-sent")
    assert "sent to North Lists by e-mail" in page.locator("#pitch-1").inner_text()
    screenshot(page, "artist-home")

    page.goto("/artists/A1/results")
    assert "Harbour Lights" in page.locator("table.list").inner_text()
    screenshot(page, "results")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    assert page.goto("/artists/A1").url.endswith("/login?next=/artists/A1")


def test_a_script_in_a_track_title_renders_as_text(page):
    sign_in(page, "ada@artist.test")
    page.goto("/artists/A1/tracks/GBAAA2600002")
    assert page.locator("h1").inner_text() == SCRIPT_TITLE
    screenshot(page, "track")


def test_a_label_admin_sees_every_artist(page):
    sign_in(page, "admin@label.test")
    page.goto("/artists")
    names = page.locator("table.list tbody a").all_inner_texts()
    assert names == ["Ada Lane", "Bo Reed"]
    screenshot(page, "artists")
    page.goto("/artists/B2")
    assert "Neon River" in page.locator("li.pitch").first.inner_text()
    page.goto("/artists/A1")
    assert "Held back: the control group" in page.content()
    page.goto("/label")
    assert "Pitch funnel" in page.content()
    screenshot(page, "label-dashboard")
    page.goto("/artists/A1/similar")
    screenshot(page, "similar")
