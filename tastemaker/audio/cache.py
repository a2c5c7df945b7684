"""Analysed tracks on disk, keyed by (audio content md5, feature set version).

Each finished chunk is written as its own small Parquet part, so a crash or a kill loses only the files
that were in flight. Loading folds the parts into one consolidated table, so a warm run reads a single
file instead of thousands.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pandas as pd

_CONSOLIDATED = "cache.parquet"


class FeatureCache:
    """The cache of one feature set version: `<cache_dir>/<version>/cache.parquet` plus `parts/*.parquet`."""

    def __init__(self, cache_dir: Path, version: str):
        self.root = Path(cache_dir) / version
        self.parts_dir = self.root / "parts"

    def load(self) -> pd.DataFrame:
        """Every cached row (one per md5), after folding pending parts into the consolidated table."""
        self.consolidate()
        path = self.root / _CONSOLIDATED
        return pd.read_parquet(path) if path.exists() else pd.DataFrame({"md5": pd.Series(dtype="string")})

    def write_part(self, rows: pd.DataFrame) -> None:
        """Persist freshly analysed rows now, via a temporary name so readers never see half a file."""
        if rows.empty:
            return
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        name = f"part-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.parquet"  # sorts oldest first
        _write_atomically(rows, self.parts_dir / name)

    def consolidate(self) -> None:
        """Merge parts into the consolidated table and delete them. Newer rows win on a repeated md5.

        Two runs consolidating at once can at worst drop entries (they get analysed again),
        never mix versions.
        """
        parts = sorted(self.parts_dir.glob("part-*.parquet")) if self.parts_dir.exists() else []
        if not parts:
            return
        path = self.root / _CONSOLIDATED
        tables = ([pd.read_parquet(path)] if path.exists() else []) + [pd.read_parquet(p) for p in parts]
        merged = pd.concat(tables, ignore_index=True).drop_duplicates("md5", keep="last")
        _write_atomically(merged.reset_index(drop=True), path)
        for part in parts:
            part.unlink(missing_ok=True)


def _write_atomically(frame: pd.DataFrame, path: Path) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    frame.to_parquet(temporary, index=False)
    os.replace(temporary, path)
