"""Errors a user can act on.

The CLI and the stage entry points turn these into one line on stderr and a non-zero exit,
so a mistake in a path or a name never shows up as a traceback.
"""


class UserError(Exception):
    """A mistake the user can fix; shown as one line, never a traceback."""
