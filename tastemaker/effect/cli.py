"""`tastemaker effect [--since D] [--json]`: the measured effect of published pitches, in the terminal.

It runs the effect stage in-process (no Prefect), so the figures shown are also in
data/effect/effect.json, the HTML report and a fresh MLflow run.
"""

from __future__ import annotations

import datetime as dt
import json

from rich.console import Console
from rich.table import Table

from tastemaker.config import Params
from tastemaker.errors import UserError

ROWS = {
    "lift": "lift over random choice (streams per pitch)",
    "promotion_effect": "promotion effect (streams per pitch)",
    "effect_per_placed_pitch": "effect per placed pitch (streams)",
    "saves_effect": "saves effect (saves per pitch)",
    "track_streams_effect": "effect on the track's total streams",
}


def effect_command(since: str | None, as_json: bool, params: Params) -> None:
    # The stage module reads files and MLflow; imported here so `tastemaker --help` stays fast.
    from pipelines import effect

    summary = effect.run(params, parse_since(since))
    if as_json:
        print(json.dumps(summary, indent=2, sort_keys=True, default=str))
        return
    Console().print(summary_table(summary))


def parse_since(since: str | None) -> dt.date | None:
    if since is None:
        return None
    try:
        return dt.date.fromisoformat(since)
    except ValueError:
        raise UserError(f"--since must be a date like 2026-06-30, got '{since}'") from None


def summary_table(summary: dict) -> Table:
    level = round(summary["confidence"] * 100)
    table = Table(title=f"Promotion effect of {', '.join(summary['run_dates'])} "
                        f"({summary['window_days']}-day window, {summary['measured']} recommendations)")
    table.add_column("estimate")
    table.add_column("value", justify="right")
    table.add_column(f"{level}% interval", justify="right")
    for name, label in ROWS.items():
        estimate = summary[name]
        if estimate is None:
            table.add_row(label, "n/a", "not enough data")
        else:
            table.add_row(label, f"{estimate['value']:.1f}", f"{estimate['low']:.1f} .. {estimate['high']:.1f}")
    return table
