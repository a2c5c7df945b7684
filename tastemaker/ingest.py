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
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import fsspec
import pandas as pd
from fsspec.implementations.local import LocalFileSystem

from tastemaker.errors import UserError
from tastemaker.lineage import dvc_directory_hash

MANIFEST_COLUMNS = ["relpath", "md5", "size", "source_stamp"]
COPY_CHUNK_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Rejection:
    """A landing-zone entry ingest refused to read, with the validation rule it breaks."""

    relpath: str
    rule: str
    message: str


@dataclass
class IngestResult:
    manifest: pd.DataFrame
    copied: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def data_version(self) -> str:
        return dvc_directory_hash(self.manifest)

    def summary(self) -> dict:
        return {
            "files": len(self.manifest),
            "copied": len(self.copied),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "rejected": [vars(rejection) for rejection in self.rejected],
            "data_version": self.data_version,
        }


def ingest(source: str, snapshot: Path, previous_manifest: pd.DataFrame | None) -> IngestResult:
    """Bring `snapshot` to the state of `source` and return the new manifest."""
    filesystem, root = _open_source(source)
    previous = _index(previous_manifest)
    result = IngestResult(manifest=pd.DataFrame(columns=MANIFEST_COLUMNS))
    if isinstance(filesystem, LocalFileSystem):
        listed, result.rejected = _list_local(Path(root))
    else:
        listed = [
            (PurePosixPath(path).relative_to(PurePosixPath(root)).as_posix(), path, info)
            for path, info in sorted(filesystem.find(root, detail=True).items())
        ]
    rows = []
    for relpath, source_path, info in listed:
        stamp = f"{info.get('size')}:{info.get('mtime') or info.get('LastModified') or info.get('ETag')}"
        target = snapshot / relpath
        known = previous.get(relpath)
        if (
            known
            and known["source_stamp"] == stamp
            and target.is_file()
            and target.stat().st_size == known["size"]
        ):
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


def _list_local(root: Path) -> tuple[list[tuple[str, str, dict]], list[Rejection]]:
    """Every regular file under `root` as (relpath, path, info), and every entry refused.

    Only regular files are ever opened: a FIFO would block the copy forever and a device would
    fill the disk. Symbolic links are followed only where they stay inside the landing zone (a
    linked `audio/` folder is read like a real one); a link leading out, dangling or looping
    back into its own ancestors is refused with a rule the validation report shows.
    """
    files: list[tuple[str, str, dict]] = []
    rejected: list[Rejection] = []
    real_root = root.resolve()

    def visit(folder: Path, relative: PurePosixPath, ancestors: frozenset[Path]) -> None:
        for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
            relpath, path = (relative / entry.name).as_posix(), Path(entry.path)
            if entry.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    rejected.append(
                        Rejection(relpath, "link_broken", f"{relpath}: symbolic link that dangles or loops")
                    )
                    continue
                if not target.is_relative_to(real_root):
                    rejected.append(
                        Rejection(
                            relpath,
                            "link_outside",
                            f"{relpath}: symbolic link pointing outside the landing zone ({target})",
                        )
                    )
                    continue
            try:
                status = path.stat()
            except OSError as error:
                rejected.append(
                    Rejection(relpath, "file_unreadable", f"{relpath}: {error.strerror or error}")
                )
                continue
            if stat.S_ISDIR(status.st_mode):
                real = path.resolve()
                if real in ancestors:
                    rejected.append(
                        Rejection(
                            relpath,
                            "link_broken",
                            f"{relpath}: symbolic link back into a folder that contains it",
                        )
                    )
                else:
                    visit(path, relative / entry.name, ancestors | {real})
            elif stat.S_ISREG(status.st_mode):
                files.append((relpath, str(path), {"size": status.st_size, "mtime": status.st_mtime}))
            else:
                rejected.append(
                    Rejection(
                        relpath,
                        "file_not_regular",
                        f"{relpath}: a {_kind(status.st_mode)}, not a regular file; never read",
                    )
                )

    visit(root, PurePosixPath(), frozenset({real_root}))
    return files, rejected


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "named pipe (FIFO)"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    )
    return next((name for test, name in kinds if test(mode)), "special file")


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
