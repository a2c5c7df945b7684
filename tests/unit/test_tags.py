"""Tags survive a write/read round trip in every delivery format, and untagged files read as empty."""

import numpy as np
import pytest
import soundfile as sf

from tastemaker.tags import TrackTags, UnreadableAudioError, read_tags, write_tags

FORMATS = [("WAV", "wav"), ("FLAC", "flac"), ("OGG", "ogg"), ("AIFF", "aiff")]
if "MP3" in sf.available_formats():
    FORMATS.append(("MP3", "mp3"))


def silent_file(folder, container, extension):
    path = folder / f"track.{extension}"
    sf.write(path, np.zeros((4410, 1), dtype="float32"), 44_100, format=container)
    return path


@pytest.mark.parametrize(("container", "extension"), FORMATS)
def test_untagged_file_reads_as_all_none(tmp_path, container, extension):
    assert read_tags(silent_file(tmp_path, container, extension)) == TrackTags()


@pytest.mark.parametrize(("container", "extension"), FORMATS)
def test_round_trip_keeps_every_field_and_the_audio(tmp_path, container, extension):
    path = silent_file(tmp_path, container, extension)
    tags = TrackTags(
        title="Été Noir",
        artist="Zoë & Co",
        isrc="FRZ032600001",
        date="2026-05-01",
        genre="pop",
        album="First",
    )
    write_tags(path, tags)
    assert read_tags(path) == tags
    assert sf.info(path).frames >= 4410


def test_writing_some_fields_keeps_the_others(tmp_path):
    path = silent_file(tmp_path, "FLAC", "flac")
    write_tags(path, TrackTags(title="One", isrc="GBAAA2600001"))
    write_tags(path, TrackTags(artist="Band"))
    assert read_tags(path) == TrackTags(title="One", artist="Band", isrc="GBAAA2600001")


def test_a_file_that_is_not_audio_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("not audio at all")
    with pytest.raises(UnreadableAudioError, match="notes.wav"):
        read_tags(path)
