"""One short, stable digest of settings: what caches, feature sets and lineage are keyed on.

The same settings always give the same digest (keys sorted, JSON), so a cache is reused exactly
when what it was built with is unchanged.
"""

from __future__ import annotations

import hashlib
import json


def settings_digest(settings: dict, length: int) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:length]
