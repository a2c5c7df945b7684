"""`dvc plots show` draws every ranker's NDCG@k curve with nothing from outside the machine."""

import shutil
import subprocess

import pytest
import yaml

from tests.chromium import launch_chromium
from tests.conftest import REPO, run_in

pytestmark = pytest.mark.slow

TEMPLATE = REPO / ".dvc" / "plots" / "offline.html"


def declared_plots() -> dict[str, list[str]]:
    """Each plot's data file (relative to the project) and the rankers it draws, as dvc.yaml declares them."""
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    plots = {}
    for plot in yaml.safe_load((REPO / "dvc.yaml").read_text())["plots"]:
        ((_, spec),) = plot.items()
        ((path, columns),) = spec["y"].items()
        plots[path.replace("${paths.training}", params["paths"]["training"])] = columns
    return plots


@pytest.fixture
def plots_page(tmp_path):
    """The page `dvc plots show` writes in a repository configured as this one, from made-up curves."""
    if not TEMPLATE.is_file():
        pytest.fail(f"{TEMPLATE} is missing: `make install` writes it (tools/dvc_plots_template.py)")
    for name in ("dvc.yaml", "params.yaml"):
        shutil.copy(REPO / name, tmp_path / name)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    assert run_in(tmp_path, "dvc", "init", "-q").returncode == 0
    shutil.copy(REPO / ".dvc" / "config", tmp_path / ".dvc" / "config")
    (tmp_path / ".dvc" / "plots").mkdir(exist_ok=True)
    shutil.copy(TEMPLATE, tmp_path / ".dvc" / "plots" / TEMPLATE.name)
    plots = declared_plots()
    for path, rankers in plots.items():
        rows = [",".join(["k", *rankers])]
        rows += [
            ",".join([str(k), *(f"{k / (10 + i):.3f}" for i in range(len(rankers)))]) for k in range(1, 11)
        ]
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("\n".join(rows) + "\n")
    shown = run_in(tmp_path, "dvc", "plots", "show", "-o", "shown")
    assert shown.returncode == 0, shown.stderr[-2000:]
    return tmp_path / "shown" / "index.html", plots


def test_every_plot_draws_every_ranker_offline(plots_page):
    from playwright.sync_api import sync_playwright

    page_file, plots = plots_page
    elsewhere = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()

        def only_local(route):
            if route.request.url.startswith("file://"):
                return route.continue_()
            elsewhere.append(route.request.url)
            return route.abort()

        page.route("**/*", only_local)
        page.goto(page_file.as_uri())
        page.wait_for_function(
            f"document.querySelectorAll('svg.marks').length === {len(plots)}", timeout=30_000
        )
        legends = page.eval_on_selector_all(
            "svg.marks",
            "svgs => svgs.map(svg => [...svg.querySelectorAll('.role-legend text')].map(t => t.textContent))",
        )
        browser.close()
    assert not elsewhere, f"the page asked for other hosts: {elsewhere}"
    for legend, rankers in zip(legends, plots.values(), strict=True):
        assert set(rankers) <= set(legend), f"missing from a plot's legend: {set(rankers) - set(legend)}"
