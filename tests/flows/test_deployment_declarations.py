"""prefect.yaml (work pools) and flows/deployments.py (`tastemaker serve`) declare the same deployments."""

from pathlib import Path

import yaml

from flows.deployments import deployments
from tastemaker.config import load_params

REPO = Path(__file__).resolve().parents[2]


def declared(deployment) -> dict:
    """What both declarations must agree on, in one shape."""
    schedules = []
    for schedule in deployment["schedules"]:
        kind = "cron" if "cron" in schedule else "interval"
        schedules.append((kind, str(schedule[kind]), schedule["timezone"]))
    return {
        "entrypoint": deployment["entrypoint"],
        "concurrency_limit": deployment["concurrency_limit"],
        "tags": sorted(deployment["tags"]),
        "schedules": schedules,
    }


def served(deployment) -> dict:
    schedules = []
    for wrapper in deployment.schedules:
        schedule = wrapper.schedule
        if hasattr(schedule, "cron"):
            schedules.append(("cron", schedule.cron, schedule.timezone))
        else:
            schedules.append(("interval", str(int(schedule.interval.total_seconds())), schedule.timezone))
    return {
        "entrypoint": deployment.entrypoint,
        "concurrency_limit": deployment.concurrency_limit,
        "tags": sorted(deployment.tags),
        "schedules": schedules,
    }


def test_prefect_yaml_declares_the_served_deployments_with_the_same_schedules():
    with_work_pool = yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]
    from_code = deployments(load_params(REPO / "params.yaml"))
    assert {d["name"]: declared(d) for d in with_work_pool} == {d.name: served(d) for d in from_code}
