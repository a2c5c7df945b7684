"""Lineage: what every MLflow run and every publication records about where it came from.

The data version is the hash DVC gives the raw snapshot folder, computed here the same way
DVC does (MD5 of the sorted JSON list of file MD5s) so that a Prefect run, which never calls
DVC, records the same version `dvc.lock` shows for the same files.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Lineage:
    git_commit: str
    data_version: str
    params_hash: str

    def as_tags(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}


def dvc_directory_hash(manifest: pd.DataFrame) -> str:
    """DVC 3's hash of a folder, from a manifest with one row per file: relpath (posix) and md5."""
    entries = sorted(
        ({"md5": md5, "relpath": relpath} for relpath, md5 in zip(manifest["relpath"], manifest["md5"])),
        key=lambda entry: entry["relpath"],
    )
    listing = json.dumps(entries, sort_keys=True).encode("utf-8")
    return hashlib.md5(listing).hexdigest() + ".dir"


def git_commit(repo: Path = Path(".")) -> str:
    """The checked-out commit, marked `-dirty` when tracked files differ from it; `unknown` outside git."""
    try:
        commit = _git(repo, "rev-parse", "HEAD")
        dirty = _git(repo, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}-dirty" if dirty else commit


def _git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, timeout=30
    )
    return completed.stdout.strip()
