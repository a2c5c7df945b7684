"""Staged outputs move in together or not at all, and a crash among the renames is finished later."""

from __future__ import annotations

import json
import os

import pytest

from tastemaker.staged import REPLACED_PREFIX, StagedOutputs, roll_forward, staged_outputs


def test_outputs_replace_the_old_ones_only_when_the_block_succeeds(tmp_path):
    journal = tmp_path / "journal.json"
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "a.txt").write_text("old")
    (tmp_path / "manifest.txt").write_text("old")
    with pytest.raises(RuntimeError), staged_outputs(journal) as outputs:
        (outputs.stage(tmp_path / "tables") / "a.txt").write_text("new")
        outputs.stage(tmp_path / "manifest.txt", directory=False).write_text("new")
        raise RuntimeError("stopped half-way")
    assert (tmp_path / "tables" / "a.txt").read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["manifest.txt", "tables"]

    with staged_outputs(journal) as outputs:
        (outputs.stage(tmp_path / "tables") / "b.txt").write_text("new")
        outputs.stage(tmp_path / "manifest.txt", directory=False).write_text("new")
    assert sorted(path.name for path in (tmp_path / "tables").iterdir()) == ["b.txt"]
    assert (tmp_path / "manifest.txt").read_text() == "new"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["manifest.txt", "tables"]


def test_a_seeded_stage_shares_unchanged_files_without_ever_changing_the_originals(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "song.wav").write_text("take 1")
    outputs = StagedOutputs(tmp_path / "journal.json")
    staging = outputs.stage(tmp_path / "raw", seed=True)
    partial = staging / "song.wav.partial"
    partial.write_text("take 2")
    os.replace(partial, staging / "song.wav")  # how ingest replaces a changed file
    assert (tmp_path / "raw" / "song.wav").read_text() == "take 1"
    outputs.discard()
    assert not staging.exists()


def test_a_crash_between_the_renames_is_finished_by_the_next_run(tmp_path):
    journal = tmp_path / "journal.json"
    for name in ("raw", "validated"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "v").write_text("old")
    outputs = StagedOutputs(journal)
    for name in ("raw", "validated"):
        (outputs.stage(tmp_path / name) / "v").write_text("new")
    outputs.write_journal()
    # The state a kill leaves after the first output moved aside and in, before the second:
    staging, final = outputs.pairs[0]
    os.replace(final, final.with_name(REPLACED_PREFIX + final.name))
    os.replace(staging, final)
    assert json.loads(journal.read_text())

    with staged_outputs(journal):  # the next run starts by finishing the commit
        pass
    assert {name: (tmp_path / name / "v").read_text() for name in ("raw", "validated")} == {
        "raw": "new",
        "validated": "new",
    }
    assert sorted(path.name for path in tmp_path.iterdir()) == ["raw", "validated"]
    roll_forward(journal)  # idempotent
