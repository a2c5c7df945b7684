"""One writer at a time in a project: the flows' side of the run lock.

Every flow that writes a project's state (the pipeline flows, the delivery intake, the effect
measurement) runs inside `sole_writer`. It holds the project's file lock, the same one the CLI
and the DVC stages hold, so a second writer is refused with one line whoever started either.

Served deployments share outputs (the intake every 30 minutes and daily scoring both replace
`data/raw` and `data/validated`), so they also share one Prefect global concurrency limit of a
single slot: a deployment run that would collide with another waits in line for the slot instead
of failing on the lock. `tastemaker serve` creates the limit; with a work pool, create it once
with `prefect gcl create tastemaker-project-writers --limit 1` (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectNotFound
from prefect.runtime import deployment

from tastemaker.config import Params
from tastemaker.errors import UserError
from tastemaker.locking import project_lock

WRITERS_LIMIT = "tastemaker-project-writers"


@contextmanager
def sole_writer(params: Params) -> Iterator[None]:
    """In a deployment run, first the shared slot (waiting for it), then the project lock."""
    with _deployment_slot(), project_lock(params.paths.state):
        yield


def _deployment_slot():
    if not deployment.id:  # a direct run (`tastemaker run`, `python -m flows.…`) has only the lock
        return nullcontext()
    if not _limit_exists():
        raise UserError(
            f"the Prefect server has no global concurrency limit {WRITERS_LIMIT!r}, which the "
            f"deployments share: create it with `prefect gcl create {WRITERS_LIMIT} --limit 1`"
        )
    return concurrency(WRITERS_LIMIT, occupy=1, strict=True)


def _limit_exists() -> bool:
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(WRITERS_LIMIT)
        except ObjectNotFound:
            return False
    return True


def ensure_writers_limit() -> None:
    """Create the deployments' shared limit on the Prefect server, once (`tastemaker serve`)."""
    if not _limit_exists():
        with get_client(sync_client=True) as client:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=WRITERS_LIMIT, limit=1))
