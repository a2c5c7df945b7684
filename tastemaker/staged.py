"""Outputs built beside their final place and moved in together, or not at all.

A stage that stops half-way (a delivery refused by validation, a full disk, a `kill -9`)
must leave what was accepted before exactly as it was. So outputs are written under a
staging name (`.staged.<name>` in the same folder, hence the same file system) and only
renamed into place once the whole unit of work succeeded. The renames are listed in a
journal first: a crash among them is finished by the next run (`roll_forward`), so readers
never see some outputs new and others old for longer than that.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

STAGING_PREFIX = ".staged."
REPLACED_PREFIX = ".replaced."


def staging_path(final: Path) -> Path:
    """The staging name of `final`. A prefix, not a suffix, so that names derived from a
    staged folder (`raw` -> `raw.manifest.parquet`) are the staged names of the derived ones."""
    return final.with_name(STAGING_PREFIX + final.name)


@dataclass
class StagedOutputs:
    journal: Path
    pairs: list[tuple[Path, Path]] = field(default_factory=list)  # (staging, final)

    def stage(self, final: Path, seed: bool = False, directory: bool = True) -> Path:
        """A fresh staging place for `final`; with `seed`, starting as a hard-linked copy of it
        (files are replaced, never written in place, so the links never change the original)."""
        staging = staging_path(final)
        remove(staging)
        staging.parent.mkdir(parents=True, exist_ok=True)
        if seed and final.is_dir():
            shutil.copytree(final, staging, symlinks=True, copy_function=_link_or_copy)
        elif seed and final.is_file():
            _link_or_copy(final, staging)
        elif directory:
            staging.mkdir()
        self.pairs.append((staging, final))
        return staging

    def commit(self) -> None:
        self.write_journal()
        roll_forward(self.journal)

    def write_journal(self) -> None:
        """Record the renames to come. From here on the commit is decided: `roll_forward`
        finishes it, unless the caller's own commit point (see `publication.commit`) says otherwise."""
        document = [[str(staging), str(final)] for staging, final in self.pairs]
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        partial = self.journal.with_name(self.journal.name + ".partial")
        with open(partial, "w") as handle:
            json.dump(document, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, self.journal)

    def discard(self) -> None:
        for staging, _ in self.pairs:
            remove(staging)


@contextmanager
def staged_outputs(journal: Path) -> Iterator[StagedOutputs]:
    """Stage outputs inside the block; they replace the final ones only if the block succeeds."""
    roll_forward(journal)
    outputs = StagedOutputs(journal)
    try:
        yield outputs
    except BaseException:
        outputs.discard()
        raise
    outputs.commit()


def roll_forward(journal: Path) -> None:
    """Finish the renames of a commit that was interrupted; idempotent, so a crash here is safe too."""
    pairs = journal_pairs(journal)
    for staging, final in pairs:
        replaced = final.with_name(REPLACED_PREFIX + final.name)
        if not staging.exists() and not staging.is_symlink():
            continue
        if final.exists() or final.is_symlink():
            remove(replaced)
            os.replace(final, replaced)
        os.replace(staging, final)
    for _, final in pairs:
        remove(final.with_name(REPLACED_PREFIX + final.name))
    journal.unlink(missing_ok=True)


def journal_pairs(journal: Path) -> list[tuple[Path, Path]]:
    """(staging, final) of a journal left by an interrupted commit; [] when there is none."""
    if not journal.is_file():
        return []
    return [(Path(staging), Path(final)) for staging, final in json.loads(journal.read_text())]


def abandon(journal: Path) -> None:
    """Give up a journaled commit whose own commit point was never reached: nothing moves in."""
    for staging, _ in journal_pairs(journal):
        remove(staging)
    journal.unlink(missing_ok=True)


def remove_strays(folder: Path) -> None:
    """Staging left in `folder` by a writer killed before it journaled: never part of any commit."""
    for stray in folder.glob(STAGING_PREFIX + "*") if folder.is_dir() else []:
        remove(stray)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
