"""One pipeline run per project folder at a time: two would overwrite each other's outputs.

The lock is taken by the process that does the work (the flow run, a stage run by DVC, the
delivery intake), not only by the command that started it: killing `tastemaker run` then
leaves the lock with the still-running pipeline, and a second run is refused. The operating
system releases the lock when its holder ends, so a killed run never leaves it behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from tastemaker.errors import UserError

LOCK_FILE = "run.lock"


@contextmanager
def project_lock(state: Path) -> Iterator[None]:
    """Hold the project's run lock for the block, or fail at once with a one-line error."""
    state.mkdir(parents=True, exist_ok=True)
    lock = FileLock(state / LOCK_FILE)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UserError(
            f"another run is working in this project ({lock.lock_file} is held): wait for it to finish"
        ) from None
    try:
        yield
    finally:
        lock.release()


def ensure_unlocked(state: Path) -> None:
    """Fail early, before starting a run, when another one holds the lock."""
    with project_lock(state):
        pass
