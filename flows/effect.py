"""The effect measurement as a Prefect flow: the same `pipelines.effect.run`, plus a headline artifact.

Run it with `python -m flows.effect [--since YYYY-MM-DD]` once the reports of the days after a
publication have been ingested and validated.
"""

from __future__ import annotations

import argparse
import datetime as dt

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.writers import sole_writer
from pipelines import effect
from tastemaker.config import load_params
from tastemaker.errors import one_line_errors


@flow(name="tastemaker-effect", log_prints=True)
def measure_effect(since: dt.date | None = None) -> dict:
    params = load_params()
    with sole_writer(params):
        summary = effect.run(params, since)
    create_markdown_artifact(
        key="promotion-effect",
        markdown=headline_markdown(summary),
        description="Promotion effect of published pitches",
    )
    return summary


def headline_markdown(summary: dict) -> str:
    if summary["status"] == "waiting":
        return f"# Promotion effect\n\nNot measured: {summary['message']}."
    level = round(summary["confidence"] * 100)
    lines = [
        f"# Promotion effect ({', '.join(summary['run_dates'])}, {summary['window_days']}-day window)",
        "",
        f"| estimate | value | {level}% interval |",
        "| --- | ---: | ---: |",
    ]
    for name in ("lift_per_1k_followers", "lift", "promotion_effect", "effect_per_placed_pitch"):
        estimate = summary[name]
        shown = (
            ("n/a", "n/a")
            if estimate is None
            else (f"{estimate['value']:.1f}", f"{estimate['low']:.1f} .. {estimate['high']:.1f}")
        )
        lines.append(f"| {name.replace('_', ' ')} | {shown[0]} | {shown[1]} |")
    lines += [
        "",
        (
            f"{summary['measured']} recommendations measured, {summary['pending']} pending. "
            f"Report: `{summary['report']}`, MLflow run `{summary['mlflow_run_id']}`."
        ),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Measure the promotion effect of published pitches.")
    parser.add_argument("--since", type=dt.date.fromisoformat, help="only publications from this date on")
    args = parser.parse_args(argv)
    with one_line_errors():
        measure_effect(args.since)


if __name__ == "__main__":
    main()
