"""A delivery whose every free-text field carries a script: no page the platform writes runs
it (checked in headless Chromium), and no CSV export starts a formula with it.

Chromium is Debian's /usr/bin/chromium, driven by Playwright (`playwright install` is never
needed); each page is opened from disk with the network off.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from pipelines import delivery, features, publish, score, train
from tastemaker.config import load_params
from tastemaker.effect.estimation import LABELS
from tastemaker.effect.report import render_report
from tests.chromium import CHROMIUM, launch_chromium
from tests.conftest import inside, make_project

pytestmark = pytest.mark.slow

SCRIPT = "<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>"
FORMULA = '=HYPERLINK("http://x.test/","open")'


def plant(text, payload: str = SCRIPT) -> str:
    return f"{text} {payload}"


def plant_payloads(landing: Path) -> None:
    """A script in every free-text field of catalog and playlists, a formula in one artist id,
    and scripts in values the rules reject (so Data Docs shows them as unexpected values)."""
    catalog = pd.read_csv(landing / "catalog.csv", dtype=str, keep_default_na=False)
    for column in ("title", "artist_name", "genre", "label"):
        catalog[column] = catalog[column].map(plant)
    first, second = catalog["artist_id"].unique()[:2]
    catalog["artist_id"] = catalog["artist_id"].replace({first: plant(first), second: FORMULA})
    catalog.loc[catalog.index[-1], "release_date"] = SCRIPT  # quarantined: date_format
    catalog.to_csv(landing / "catalog.csv", index=False)
    playlists = pd.read_csv(landing / "playlists.csv", dtype=str, keep_default_na=False)
    for column in ("name", "curator", "genre"):
        playlists[column] = playlists[column].map(plant)
    playlists.loc[playlists.index[-1], "territory"] = SCRIPT  # quarantined: territory_code
    playlists.to_csv(landing / "playlists.csv", index=False)


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory, tiny_world):
    if not CHROMIUM.is_file():
        pytest.skip("Chromium not installed (apt-get install chromium)")
    folder = make_project(tmp_path_factory.mktemp("escaping"), tiny_world)
    plant_payloads(folder / "data" / "landing")
    with inside(folder):
        params = load_params()
        params.validate_.max_quarantine_share = 1.0
        for stage in (delivery, features, train, score, publish):
            stage.run(params)
        catalog = pd.read_parquet(params.paths.validated / "catalog.parquet")
        per_artist = catalog.drop_duplicates("artist_id")[["artist_id", "artist_name"]].assign(
            effect=1.0, low=0.0, high=2.0
        )
        summary = {
            "confidence": 0.95,
            "cells": {plant("cell"): 1},
            "run_dates": [plant("2024-01-01")],
            "window_days": 14,
            "measured": 1,
            "pending": 0,
            **{name: None for name in LABELS},
        }
        report = params.paths.reports / "effect" / "index.html"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(
            render_report(summary, per_artist, pd.DataFrame({"rank": [1], "acceptance_rate": [0.5]}))
        )
        yield folder


def html_pages(project: Path) -> list[Path]:
    return sorted(path for path in (project / "data").rglob("*.html") if "landing" not in path.parts)


def test_every_page_the_platform_writes_is_covered(hostile_project):
    pages = [path.relative_to(hostile_project).as_posix() for path in html_pages(hostile_project)]
    assert any("/publication/files/" in page and "/html/" in page for page in pages)
    assert any(page.endswith("publication/files/" + page.split("/")[3] + "/index.html") for page in pages)
    assert any("/data_docs/" in page and "/validations/" in page for page in pages)
    assert "data/reports/effect/index.html" in pages


def test_no_planted_script_runs_in_any_page(hostile_project):
    from playwright.sync_api import sync_playwright

    ran, shown = [], 0
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.on("dialog", lambda dialog: (ran.append(dialog.message), dialog.dismiss()))
            for path in html_pages(hostile_project):
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_timeout(50)  # let onerror handlers of broken images fire
                if page.evaluate("window.__pwned === 1"):
                    ran.append(str(path))
                shown += "<img src=x onerror" in page.inner_text("body")
        finally:
            browser.close()
    assert ran == []
    assert shown > 0  # the payloads are on the pages, shown as text


def test_no_csv_export_starts_a_formula(hostile_project):
    exports = [
        path
        for path in hostile_project.rglob("*.csv")
        if "landing" not in path.parts and "raw" not in path.parts
    ]
    assert any(path.parent.name == "sheets" for path in exports)  # pitch sheets carry titles and names
    for path in exports:
        with path.open(newline="") as stream:
            for row in csv.reader(stream):
                assert not [cell for cell in row if cell.startswith(("=", "+", "@"))], (path, row)
