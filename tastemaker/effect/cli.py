"""`tastemaker effect [--since D] [--json]`: the measured effect of published pitches, in the terminal.

The CLI runs the effect stage (`python -m pipelines.effect`), which writes data/effect/effect.json,
the HTML report and a fresh MLflow run; this module shows that summary.
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from tastemaker.effect.estimation import LABELS


def print_effect(summary: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary, indent=2, sort_keys=True, default=str))
    elif summary["status"] == "waiting":
        Console().print(summary["message"], soft_wrap=True)
    else:
        Console().print(summary_table(summary))


def summary_table(summary: dict) -> Table:
    level = round(summary["confidence"] * 100)
    table = Table(
        title=f"Promotion effect of {', '.join(summary['run_dates'])} "
        f"({summary['window_days']}-day window, {summary['measured']} recommendations)"
    )
    table.add_column("estimate")
    table.add_column("value", justify="right")
    table.add_column(f"{level}% interval", justify="right")
    for name, label in LABELS.items():
        estimate = summary[name]
        if estimate is None:
            table.add_row(label, "n/a", "not enough data")
        else:
            table.add_row(
                label, f"{estimate['value']:.1f}", f"{estimate['low']:.1f} .. {estimate['high']:.1f}"
            )
    return table
