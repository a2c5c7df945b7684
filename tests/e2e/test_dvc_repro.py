"""`dvc repro` runs the same stages as the flow, and a second run with nothing changed runs none."""

import json
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import REPO, deliver_bad_report_row, make_project, run_in

pytestmark = pytest.mark.slow


def dvc(project, *args):
    return run_in(project, "dvc", *args)


@pytest.fixture
def dvc_project(tmp_path, tiny_world):
    """A git + DVC repository holding the pipeline definition, the code it depends on and a tiny world."""
    project = make_project(tmp_path, tiny_world)
    for name in ("dvc.yaml", ".dvcignore"):
        shutil.copy(REPO / name, project / name)
    for package in ("pipelines", "tastemaker"):
        shutil.copytree(REPO / package, project / package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    assert dvc(project, "init", "-q").returncode == 0
    assert dvc(project, "config", "core.analytics", "false").returncode == 0
    return project


def test_repro_runs_every_stage_then_nothing(dvc_project):
    first = dvc(dvc_project, "repro")
    assert first.returncode == 0, first.stderr[-2000:]
    stages = list(yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"])
    for stage in stages:
        assert f"Running stage '{stage}'" in first.stdout

    second = dvc(dvc_project, "repro")
    assert second.returncode == 0, second.stderr[-2000:]
    assert "Running stage" not in second.stdout

    lock = yaml.safe_load((dvc_project / "dvc.lock").read_text())
    raw_hash = next(out["md5"] for out in lock["stages"]["ingest"]["outs"] if out["path"] == "data/raw")
    receipt = json.loads((dvc_project / "data/publication/publication.json").read_text())
    assert receipt["data_version"] == raw_hash  # the flow's data version is DVC's own hash of the snapshot

    metrics = dvc(dvc_project, "metrics", "show", "--json")
    shown = json.loads(metrics.stdout)
    metrics = next(iter(shown.values()))["data"]["data/training/metrics.json"]["data"]
    headline = json.loads((dvc_project / "data/training/model.json").read_text())["headline"]
    assert metrics[headline]["all"]["model"] > 0
    assert {"model_minus_genre_popularity", "model_minus_ablation_no_audio"} <= set(
        metrics["interval"][headline]["all"]
    )


def test_repro_stops_at_validation_with_a_one_line_reason_and_the_report(dvc_project):
    deliver_bad_report_row(dvc_project)
    stopped = dvc(dvc_project, "repro")
    assert stopped.returncode != 0
    reasons = [line for line in (stopped.stdout + stopped.stderr).splitlines() if line.startswith("error: ")]
    assert len(reasons) == 1 and "validation stopped the delivery" in reasons[0]
    assert "Traceback" not in stopped.stdout + stopped.stderr
    report = json.loads((dvc_project / "data/reports/validation.json").read_text())  # the refused attempt's
    assert report["tables"]["streams"]["quarantined"] == 1
    assert not list((dvc_project / "data/validated").glob("*.parquet"))  # nothing of it was accepted
    assert "Running stage 'features'" not in stopped.stdout


def test_repro_keeps_the_day_folders_of_past_publications(dvc_project):
    first = dvc(dvc_project, "repro")
    assert first.returncode == 0, first.stderr[-2000:]
    files = dvc_project / "data/publication/files"
    past_day = files / "2000-01-01"  # as an earlier day's publication left it
    shutil.copytree(next(path for path in files.iterdir() if path.name[0].isdigit()), past_day)
    params = yaml.safe_load((dvc_project / "params.yaml").read_text())
    params["publish"]["top_k"] = 9  # re-runs the publish stage
    params["publish"]["keep_days"] = 100_000
    (dvc_project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    second = dvc(dvc_project, "repro")
    assert second.returncode == 0, second.stderr[-2000:]
    assert "Running stage 'publish'" in second.stdout
    assert (past_day / "index.html").is_file()


def test_each_experiment_shows_its_own_parameters_and_metrics(dvc_project):
    """`dvc exp show` reads an experiment's metrics from the DVC cache: data/ stays out of git, as in a clone."""
    shutil.copy(REPO / ".gitignore", dvc_project / ".gitignore")
    subprocess.run(["git", "add", "-A"], cwd=dvc_project, check=True)
    author = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    subprocess.run(["git", *author, "commit", "-qm", "start"], cwd=dvc_project, check=True)
    for leaves in (7, 15):
        ran = dvc(dvc_project, "exp", "run", "-S", f"train.num_leaves={leaves}")
        assert ran.returncode == 0, ran.stderr[-2000:]
    shown = json.loads(dvc(dvc_project, "exp", "show", "--json").stdout)
    experiments = [
        rev["data"]
        for baseline in shown
        for branch in baseline.get("experiments") or []
        for rev in branch["revs"]
    ]
    metrics_by_leaves = {
        data["params"]["params.yaml"]["data"]["train"]["num_leaves"]: data["metrics"].get(
            "data/training/metrics.json", {}
        )
        for data in experiments
    }
    assert set(metrics_by_leaves) == {7, 15}
    for leaves, metrics in metrics_by_leaves.items():
        assert metrics.get("data", {}).get("headline", 0) > 0, (
            f"no metrics for num_leaves={leaves}: {metrics}"
        )
