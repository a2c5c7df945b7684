"""A full, read-only or forbidden disk is the user's to fix: one line, and never retried."""

from __future__ import annotations

import errno

import pytest

from pipelines.common import stage_main
from tests.conftest import inside


def disk_full(params):
    raise OSError(errno.ENOSPC, "No space left on device", "data/publication/files/x.html")


def test_a_full_disk_in_a_stage_is_one_line_naming_the_file(tmp_path, capsys):
    (tmp_path / "params.yaml").write_text("{}\n")
    with inside(tmp_path), pytest.raises(SystemExit) as stopped:
        stage_main(disk_full)
    assert stopped.value.code == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "No space left on device" in error[0] and "x.html" in error[0]


def test_a_bug_still_shows_its_traceback(tmp_path):
    (tmp_path / "params.yaml").write_text("{}\n")
    with inside(tmp_path), pytest.raises(KeyError):
        stage_main(lambda params: {}["missing"])


@pytest.mark.parametrize(
    "error, retried",
    [
        (OSError(errno.ENOSPC, "No space left on device"), False),
        (OSError(errno.EROFS, "Read-only file system"), False),
        (ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"), True),
    ],
)
def test_only_transient_failures_are_retried(error, retried):
    from prefect.states import Failed

    from flows.pipeline import is_transient

    assert is_transient(None, None, Failed(data=error)) is retried
