"""The flow's markdown artifact and the CLI table show the same figures as the summary."""

from rich.console import Console

from flows.effect import headline_markdown
from tastemaker.effect.cli import summary_table

SUMMARY = {
    "status": "measured",
    "confidence": 0.9,
    "run_dates": ["2026-06-30"],
    "window_days": 14,
    "measured": 40,
    "pending": 3,
    "lift_per_1k_followers": {"value": 21.5, "low": 9.25, "high": 33.0},
    "promotion_effect_per_1k_followers": None,
    "lift": {"value": 81.25, "low": 12.5, "high": 150.0},
    "promotion_effect": {"value": 120.0, "low": 60.0, "high": 190.0},
    "effect_per_placed_pitch": None,
    "saves_effect": None,
    "track_streams_effect": None,
    "report": "data/reports/effect/index.html",
    "mlflow_run_id": "abc123",
}


def test_markdown_headline_lists_estimates_intervals_and_missing_ones():
    markdown = headline_markdown(SUMMARY)
    assert "| lift | 81.2 | 12.5 .. 150.0 |" in markdown
    assert "| lift per 1k followers | 21.5 | 9.2 .. 33.0 |" in markdown
    assert "| effect per placed pitch | n/a | n/a |" in markdown
    assert "90% interval" in markdown and "abc123" in markdown


def test_terminal_table_has_one_row_per_estimate():
    console = Console(record=True, width=140)
    console.print(summary_table(SUMMARY))
    text = console.export_text()
    assert "120.0" in text and "60.0 .. 190.0" in text
    assert "21.5" in text and "9.2 .. 33.0" in text
    assert text.count("not enough data") == 4


def test_a_waiting_measurement_says_why_in_the_artifact():
    waiting = {
        "status": "waiting",
        "window_days": 14,
        "pending": 9,
        "message": "no publication has a full"
        " 14-day window of reports yet (latest report 2026-06-30): measure again later",
    }
    markdown = headline_markdown(waiting)
    assert "Not measured" in markdown and "latest report 2026-06-30" in markdown
