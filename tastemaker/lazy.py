"""Package attributes imported on first use.

A package's `__init__` runs whenever any of its modules is imported: the config imports
`tastemaker.audio.params`, and an eager `tastemaker/audio/__init__.py` would load librosa and voyager
with it. Packages list what they export and where it lives; it loads when first asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, sources: dict[str, str]) -> Callable[[str], object]:
    """A module-level `__getattr__` for `package`: each name of `sources` from its module, on first use."""

    def __getattr__(name: str) -> object:
        if name in sources:
            return getattr(importlib.import_module(sources[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
