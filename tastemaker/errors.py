"""Errors a user can act on.

The CLI and the stage entry points turn these into one line on stderr and a non-zero exit,
so a mistake in a path or a name never shows up as a traceback.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Failures of the machine the user has to fix (space, permissions, names): retrying cannot help.
PERMANENT_OS_ERRORS = {
    errno.ENOSPC: "free some space",
    errno.EDQUOT: "free some space",
    errno.EROFS: "make it writable",
    errno.EACCES: "check its permissions",
    errno.EPERM: "check its permissions",
    errno.ENAMETOOLONG: "use a shorter path",
}


class UserError(Exception):
    """A mistake the user can fix; shown as one line, never a traceback."""


def as_user_error(error: BaseException) -> UserError | None:
    """The one-line form of `error` when the user must act on it, else None (a bug or a transient fault)."""
    if isinstance(error, UserError):
        return error
    if isinstance(error, OSError) and error.errno in PERMANENT_OS_ERRORS:
        where = f" ({error.filename})" if error.filename else ""
        return UserError(
            f"{error.strerror or error}{where}: {PERMANENT_OS_ERRORS[error.errno]} and run again"
        )
    return None


@contextmanager
def one_line_errors() -> Iterator[None]:
    """The one handler of every entry point: a user's error is one line on stderr and exit code 1."""
    try:
        yield
    except (UserError, OSError) as error:
        user_error = as_user_error(error)
        if user_error is None:
            raise
        print(f"error: {user_error}", file=sys.stderr)
        raise SystemExit(1) from None
