"""Caches are only ever shortcuts: one that cannot be read is discarded and rebuilt, never fatal."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def read_cache(path: Path, columns: list[str]) -> pd.DataFrame:
    """The cached table at `path`, or an empty one when it is absent, truncated, corrupt or from
    another layout (the corrupt file is removed, so the next write starts clean)."""
    empty = pd.DataFrame(columns=columns)
    if not path.is_file():
        return empty
    try:
        frame = pd.read_parquet(path)
    except Exception:  # noqa: BLE001 - pyarrow's errors for a damaged file are many and version-dependent
        path.unlink(missing_ok=True)
        return empty
    return frame if set(columns) <= set(frame.columns) else empty
