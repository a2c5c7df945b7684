"""The effect report: one self-contained HTML page, plots embedded as base64 PNGs.

Self-contained so it can be attached to an MLflow run or mailed to a label and still open.
"""

from __future__ import annotations

import base64
import html
import io

import pandas as pd
from matplotlib.figure import Figure

from tastemaker.effect.estimation import LABELS

# The estimates plot: one panel per unit, so no interval is drawn on another's scale.
PLOT_PANELS = {
    "streams per 1,000 playlist followers": ("lift_per_1k_followers", "promotion_effect_per_1k_followers"),
    "streams": ("lift", "promotion_effect", "effect_per_placed_pitch"),
}


def render_report(summary: dict, per_artist: pd.DataFrame, by_rank: pd.DataFrame) -> str:
    level = round(summary["confidence"] * 100)
    rows = "".join(
        f"<tr><td>{label}</td><td id='{name}'>{_number(summary[name], 'value')}</td>"
        f"<td>{_number(summary[name], 'low')} .. {_number(summary[name], 'high')}</td></tr>"
        for name, label in LABELS.items()
    )
    cells = ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in summary["cells"].items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tastemaker: promotion effect</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}} td,th{{padding:.2em .8em;text-align:right}}
td:first-child{{text-align:left}}</style></head><body>
<h1>Promotion effect of published pitches</h1>
<p>Publications of {html.escape(", ".join(summary["run_dates"]))}; outcome window {summary["window_days"]} days;
{summary["measured"]} recommendations measured ({cells}), {summary.get("pending", 0)} still pending.</p>
<table><tr><th>estimate</th><th>value</th><th>{level}% interval</th></tr>{rows}</table>
<p>Lift: what the model's choice adds over a random eligible choice, per pitch. Promotion effect: what pitching
one of the model's recommendations adds over not pitching it (control group). Per 1,000 followers, every pitch
weighs the same whatever its playlist's size: the headline. See docs/effect.md.</p>
<h2>Estimates</h2>{_png(_estimates_plot(summary, level), "estimates with intervals")}
<h2>Acceptance by rank</h2>{_png(_acceptance_plot(by_rank), "acceptance rate by rank")}
<h2>Per artist</h2>{_png(_artist_plot(per_artist, level), "promotion effect per artist")}
{per_artist.to_html(index=False, float_format=lambda value: f"{value:.1f}", na_rep="n/a")}
</body></html>
"""


def _number(estimate: dict | None, key: str) -> str:
    return "n/a" if estimate is None else f"{estimate[key]:.1f}"


def _png(figure: Figure, description: str) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return f'<img alt="{description}" src="data:image/png;base64,{encoded}">'


def _estimates_plot(summary: dict, level: int) -> Figure:
    figure = Figure(figsize=(7, 4.5))
    for axes, (unit, names) in zip(figure.subplots(len(PLOT_PANELS), 1), PLOT_PANELS.items()):
        shown = [name for name in names if summary[name]]
        for position, name in enumerate(shown):
            estimate = summary[name]
            axes.errorbar(
                estimate["value"],
                position,
                xerr=[[estimate["value"] - estimate["low"]], [estimate["high"] - estimate["value"]]],
                fmt="o",
                capsize=4,
            )
        axes.axvline(0, color="grey", linewidth=1)
        axes.set_yticks(range(len(shown)), [LABELS[name].split(" (")[0] for name in shown])
        axes.set_xlabel(f"{unit} in the window, {level}% interval")
    figure.tight_layout()
    return figure


def _acceptance_plot(by_rank: pd.DataFrame) -> Figure:
    figure = Figure(figsize=(6, 3))
    axes = figure.subplots()
    axes.bar(by_rank["rank"], by_rank["acceptance_rate"])
    axes.set_xlabel("rank in the artist's list")
    axes.set_ylabel("share of pitches that started")
    axes.set_ylim(0, 1)
    return figure


def _artist_plot(per_artist: pd.DataFrame, level: int) -> Figure:
    measured = per_artist.dropna(subset=["effect"])
    figure = Figure(figsize=(6, 0.6 + 0.3 * max(len(measured), 1)))
    axes = figure.subplots()
    axes.errorbar(
        measured["effect"],
        range(len(measured)),
        xerr=[measured["effect"] - measured["low"], measured["high"] - measured["effect"]],
        fmt="o",
        capsize=3,
    )
    axes.axvline(0, color="grey", linewidth=1)
    axes.set_yticks(range(len(measured)), measured["artist_name"])
    axes.set_xlabel(f"promotion effect (streams per pitch), {level}% interval")
    return figure
