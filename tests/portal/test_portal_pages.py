"""What the pages say: delivered text escaped, control pairs never offered, random picks named, CSV defused."""

import csv
import io
import json
import re

from tastemaker.effect.estimation import LABELS
from tests.portal.conftest import csrf_of, sign_in
from tests.portal_world import SCRIPT_TITLE


def test_a_script_in_a_track_title_is_shown_as_text(client):
    sign_in(client, "ada@artist.test")
    for page in ("/artists/A1", "/artists/A1/tracks/GBAAA2600002"):
        html = client.get(page).text
        assert SCRIPT_TITLE not in html
        assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in html


def test_the_artist_home_shows_what_a_pitch_needs(client):
    sign_in(client, "ada@artist.test")
    html = client.get("/artists/A1").text
    first = html[html.index('id="pitch-1"') : html.index('id="pitch-2"')]
    for fact in (
        "Harbour Lights",
        "Morning Folk",
        "GB",
        "12,000",
        "North Lists",
        "100–400",
        "2026-03-01",
        "genre match: folk",
        "Fit: top",
    ):
        assert fact in first
    unreleased = html[html.index('id="pitch-4"') :]
    assert "Unreleased" in unreleased and "2026-08-15" in unreleased
    assert "NO" in unreleased and "Fjord Editorial" in unreleased  # the other "Morning Folk", told apart


def test_control_pairs_are_never_offered_to_an_artist(client):
    sign_in(client, "ada@artist.test")
    html = client.get("/artists/A1").text
    assert 'id="pitch-3"' not in html and "/pitches/2026-06-30/3" not in html
    assert "1 further pair is held back at random" in html
    refused = client.post(
        "/artists/A1/pitches/2026-06-30/3", data={"status": "sent", "csrf_token": csrf_of(html)}
    )
    assert refused.status_code == 400


def test_label_staff_see_the_control_pairs_as_held_back(client):
    sign_in(client, "admin@label.test")
    html = client.get("/artists/A1").text
    held_back = html[html.index("Held back: the control group") :]
    assert "Quiet Field" in held_back and "do not pitch" in held_back
    assert "/pitches/2026-06-30/3" not in html


def test_a_random_pick_says_so_and_has_no_model_fit(client):
    sign_in(client, "ada@artist.test")
    pitches = {pitch["rank"]: pitch for pitch in client.get("/api/v1/artists/A1/pitches").json()["pitches"]}
    assert pitches[2]["kind"] == "explore" and pitches[2]["fit_percentile"] is None
    assert "Random pick" in pitches[2]["note"]
    assert not any(reason.startswith("exploration:") for reason in pitches[2]["reasons"])
    # Fit is a percentile among model picks: the highest score of the run is at the top, ranks keep their order.
    assert pitches[1]["fit_percentile"] > pitches[4]["fit_percentile"]
    html = client.get("/artists/A1").text
    assert "Random pick" in html[html.index('id="pitch-2"') : html.index('id="pitch-4"')]


def test_the_pitch_sheet_csv_defuses_formulas(client):
    sign_in(client, "ada@artist.test")
    response = client.get("/artists/A1/tracks/GBAAA2600003/pitch-sheet.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["playlist_name"] for row in rows] == ['\'=HYPERLINK("x")']  # the control pair is not on it


def test_results_show_statuses_and_streams_since(client):
    sign_in(client, "ada@artist.test")
    page = client.get("/artists/A1").text
    client.post(
        "/artists/A1/pitches/2026-06-30/1",
        data={"status": "accepted", "note": "added Friday", "csrf_token": csrf_of(page)},
    )
    results = client.get("/artists/A1/results").text
    row = results[results.index("<tbody>") :]
    assert "accepted" in row and "added Friday" in row and "ada@artist.test" in row
    assert ">200<" in row  # 120 + 80 streams from PL1 after the run date; the earlier 50 on PL3 do not count
    assert "<svg" in results


def test_the_label_dashboard_shows_coverage_funnel_and_lineage(client):
    sign_in(client, "admin@label.test")
    html = client.get("/label").text
    assert "2 / 2" in html and "tastemaker-ranker v3" in html and "abc123def456" in html
    assert "Not measured yet" in html


def test_no_page_loads_anything_from_another_host(client):
    sign_in(client, "admin@label.test")
    for page in ("/artists", "/artists/A1", "/label", "/artists/A1/results"):
        links = re.findall(r'(?:src|href|action)="([^"]*)"', client.get(page).text)
        assert links and all(link[:1] in ("/", "#", "?") and not link.startswith("//") for link in links)
    assert client.get("/static/portal.css").status_code == 200
    assert "default-src 'self'" in client.get("/artists").headers["content-security-policy"]


def test_health_answers_without_a_sign_in(client):
    assert client.get("/healthz").json() == {"status": "ok", "publication": "2026-06-30"}


def test_the_dashboard_shows_the_measured_effect_with_its_interval(client, world):
    summary = {name: None for name in LABELS} | {
        "lift_per_1k_followers": {"value": 27.14, "low": 21.9, "high": 32.31},
        "confidence": 0.95,
        "measured": 312,
        "window_days": 14,
        "run_dates": ["2026-06-16"],
    }
    effect = world.settings.params.paths.effect
    effect.mkdir(parents=True)
    (effect / "effect.json").write_text(json.dumps(summary))
    sign_in(client, "member@label.test")
    html = client.get("/label").text
    assert "27.1" in html and "95% interval 21.9 to 32.3" in html and "312 recommendations" in html
    assert html.count("not enough data") == len(LABELS) - 1
