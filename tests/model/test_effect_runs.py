"""`tastemaker effect` logs one MLflow run per distinct measurement, not one per call."""

from __future__ import annotations

import mlflow
import pandas as pd

from pipelines.effect import log_to_mlflow
from tastemaker.config import load_params
from tastemaker.effect.estimation import LABELS


def measurement(measured: int) -> dict:
    return {
        "run_dates": ["2024-05-01"],
        "measured": measured,
        **{name: None for name in LABELS},
        "lift": {"value": 2.0, "low": 1.0, "high": 3.0},
    }


def test_asking_again_for_the_same_measurement_logs_no_second_run(project):
    params = load_params()
    report = project / "report.html"
    report.write_text("<html></html>")
    by_rank = pd.DataFrame({"rank": [1, 2], "acceptance_rate": [0.5, 0.25]})

    first = log_to_mlflow(params, params.effect, measurement(10), by_rank, report)
    again = log_to_mlflow(params, params.effect, measurement(10), by_rank, report)
    later = log_to_mlflow(params, params.effect, measurement(12), by_rank, report)  # new reports arrived

    assert again == first and later != first
    experiment = mlflow.get_experiment_by_name(params.effect.experiment)
    runs = mlflow.search_runs(experiment_ids=[experiment.experiment_id], output_format="list")
    assert sorted(run.info.run_id for run in runs) == sorted({first, later})
