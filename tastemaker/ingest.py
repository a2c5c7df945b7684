"""Ingestion: mirror a landing zone into the raw snapshot, copying only what changed.

The source may be a local folder or any fsspec URL (s3://, gs://, ...). A file counts as
unchanged when its size and modification stamp match the previous delivery and the snapshot
still holds it, so re-ingesting an unchanged delivery reads no file content at all. Files are
MD5-hashed while they are copied: the hashes make the manifest from which the data version
(DVC's folder hash) is derived.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import fsspec
import pandas as pd
from fsspec.implementations.local import LocalFileSystem

from tastemaker.errors import UserError
from tastemaker.lineage import dvc_directory_hash

MANIFEST_COLUMNS = ["relpath", "md5", "size", "source_stamp"]
COPY_CHUNK_BYTES = 4 * 1024 * 1024


@dataclass
class IngestResult:
    manifest: pd.DataFrame
    copied: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)

    @property
    def data_version(self) -> str:
        return dvc_directory_hash(self.manifest)

    def summary(self) -> dict:
        return {
            "files": len(self.manifest),
            "copied": len(self.copied),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "rejected": [{"path": path, "reason": reason} for path, reason in self.rejected],
            "data_version": self.data_version,
        }


def ingest(source: str, snapshot: Path, previous_manifest: pd.DataFrame | None) -> IngestResult:
    """Bring `snapshot` to the state of `source` and return the new manifest."""
    filesystem, root = _open_source(source)
    previous = _index(previous_manifest)
    result = IngestResult(manifest=pd.DataFrame(columns=MANIFEST_COLUMNS))
    rows = []
    for source_path, info in sorted(filesystem.find(root, detail=True).items()):
        relpath = PurePosixPath(source_path).relative_to(PurePosixPath(root)).as_posix()
        escape_reason = _escapes_source(filesystem, source_path, root)
        if escape_reason:
            result.rejected.append((relpath, escape_reason))
            continue
        stamp = f"{info.get('size')}:{info.get('mtime') or info.get('LastModified') or info.get('ETag')}"
        target = snapshot / relpath
        known = previous.get(relpath)
        if known and known["source_stamp"] == stamp and target.is_file() and target.stat().st_size == known["size"]:
            rows.append(known)
            result.unchanged += 1
            continue
        md5, size = _copy_hashing(filesystem, source_path, target)
        rows.append({"relpath": relpath, "md5": md5, "size": size, "source_stamp": stamp})
        result.copied.append(relpath)
    present = {row["relpath"] for row in rows}
    for relpath in sorted(set(previous) - present):
        (snapshot / relpath).unlink(missing_ok=True)
        result.removed.append(relpath)
    snapshot.mkdir(parents=True, exist_ok=True)
    result.manifest = pd.DataFrame(rows, columns=MANIFEST_COLUMNS)
    return result


def _open_source(source: str):
    filesystem, root = fsspec.core.url_to_fs(source)
    if not filesystem.isdir(root):
        raise UserError(f"source folder not found: {source}")
    return filesystem, root.rstrip("/")


def _index(manifest: pd.DataFrame | None) -> dict[str, dict]:
    if manifest is None or manifest.empty:
        return {}
    return {row["relpath"]: row for row in manifest.to_dict("records")}


def _escapes_source(filesystem, path: str, root: str) -> str | None:
    """A symbolic link that leads outside the landing zone is never followed."""
    if not isinstance(filesystem, LocalFileSystem):
        return None
    if not os.path.islink(path):
        return None
    target = Path(path).resolve()
    if not target.is_relative_to(Path(root).resolve()):
        return f"symbolic link pointing outside the landing zone ({target})"
    return None


def _copy_hashing(filesystem, source_path: str, target: Path) -> tuple[str, int]:
    """Copy through a temporary name so an interrupted copy never leaves a truncated file in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.md5()
    size = 0
    with filesystem.open(source_path, "rb") as reader, open(partial, "wb") as writer:
        while chunk := reader.read(COPY_CHUNK_BYTES):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    os.replace(partial, target)
    return digest.hexdigest(), size
