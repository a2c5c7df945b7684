"""Where the platform's backends are, read from the environment with local defaults.

Nothing in the demo needs a server: MLflow tracks into a SQLite file, publications go to
another SQLite file and Prefect starts its own temporary API. Pointing the same code at real
servers is a matter of setting the variables below, never of editing code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MLFLOW_TRACKING_URI = "MLFLOW_TRACKING_URI"
PREFECT_API_URL = "PREFECT_API_URL"
TASTEMAKER_DB_URL = "TASTEMAKER_DB_URL"
DASK_SCHEDULER_ADDRESS = "DASK_SCHEDULER_ADDRESS"


@dataclass(frozen=True)
class Endpoints:
    mlflow_tracking_uri: str
    mlflow_artifact_root: str | None
    publication_db_url: str
    prefect_api_url: str | None
    dask_scheduler_address: str | None

    def described(self) -> dict[str, str]:
        """The backends in use, with any password masked, for startup logs and summaries."""
        return {
            "mlflow": mask_password(self.mlflow_tracking_uri),
            "publications": mask_password(self.publication_db_url),
            "prefect": mask_password(self.prefect_api_url) if self.prefect_api_url else "temporary local API",
            "dask": self.dask_scheduler_address or "local process pool",
        }


def resolve_endpoints(state_dir: Path) -> Endpoints:
    """Read the endpoints; unset ones fall back to files under `state_dir`."""
    state_dir = state_dir.resolve()
    tracking_uri = os.environ.get(MLFLOW_TRACKING_URI)
    return Endpoints(
        mlflow_tracking_uri=tracking_uri or f"sqlite:///{state_dir / 'mlflow.db'}",
        # A tracking server chooses its own artifact store; only the local default needs one.
        mlflow_artifact_root=None if tracking_uri else (state_dir / "mlartifacts").as_uri(),
        publication_db_url=os.environ.get(TASTEMAKER_DB_URL) or f"sqlite:///{state_dir / 'publications.db'}",
        prefect_api_url=os.environ.get(PREFECT_API_URL) or None,
        dask_scheduler_address=os.environ.get(DASK_SCHEDULER_ADDRESS) or None,
    )


def mask_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
