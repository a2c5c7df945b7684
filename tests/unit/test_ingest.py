import hashlib
import os

import pytest

from tastemaker.errors import UserError
from tastemaker.ingest import ingest


def write(path, content: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


@pytest.fixture
def landing(tmp_path):
    source = tmp_path / "landing"
    write(source / "catalog.csv", b"isrc,title\n")
    write(source / "audio" / "a.wav", b"a" * 100)
    write(source / "audio" / "b.wav", b"b" * 100)
    return source


def test_first_ingest_copies_everything_with_content_hashes(landing, tmp_path):
    result = ingest(str(landing), tmp_path / "raw", None)
    assert sorted(result.copied) == ["audio/a.wav", "audio/b.wav", "catalog.csv"]
    assert (tmp_path / "raw" / "audio" / "a.wav").read_bytes() == b"a" * 100
    assert (
        result.manifest.set_index("relpath").loc["audio/a.wav", "md5"] == hashlib.md5(b"a" * 100).hexdigest()
    )


def test_unchanged_delivery_is_a_no_op_and_one_new_track_copies_one_file(landing, tmp_path):
    first = ingest(str(landing), tmp_path / "raw", None)
    again = ingest(str(landing), tmp_path / "raw", first.manifest)
    assert again.copied == [] and again.unchanged == 3
    assert again.data_version == first.data_version
    write(landing / "audio" / "c.wav", b"c" * 100)
    third = ingest(str(landing), tmp_path / "raw", again.manifest)
    assert third.copied == ["audio/c.wav"]
    assert third.data_version != first.data_version


def test_files_removed_from_the_source_leave_the_snapshot(landing, tmp_path):
    first = ingest(str(landing), tmp_path / "raw", None)
    (landing / "audio" / "b.wav").unlink()
    result = ingest(str(landing), tmp_path / "raw", first.manifest)
    assert result.removed == ["audio/b.wav"]
    assert not (tmp_path / "raw" / "audio" / "b.wav").exists()


def test_symbolic_link_out_of_the_landing_zone_is_rejected(landing, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    os.symlink(secret, landing / "audio" / "escape.wav")
    result = ingest(str(landing), tmp_path / "raw", None)
    assert [(rejection.relpath, rejection.rule) for rejection in result.rejected] == [
        ("audio/escape.wav", "link_outside")
    ]
    assert not (tmp_path / "raw" / "audio" / "escape.wav").exists()


def test_missing_source_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="source folder not found"):
        ingest(str(tmp_path / "nowhere"), tmp_path / "raw", None)
