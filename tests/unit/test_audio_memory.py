"""A 20-minute file is analysed within the per-worker memory cap stated in the params."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tastemaker.audio import FeaturesParams

SR = 44100

# Runs in a fresh interpreter so the peak RSS it reports belongs to this analysis alone. A 1-second file is
# analysed first, so the baseline already holds the libraries and only the long file's own cost remains.
MEASURE = """
import hashlib, json, resource, sys
from pathlib import Path
import pandas as pd
from tastemaker.audio import FeaturesParams, extract_features

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def analyse(path, cache):
    tracks = pd.DataFrame({"isrc": ["X"], "path": [path], "md5": [hashlib.md5(path.encode()).hexdigest()]})
    return extract_features(tracks, FeaturesParams(workers=1), Path(cache))

short, long, cache = sys.argv[1:]
analyse(short, cache)
before = peak_mb()
result = analyse(long, cache)
counts = {"analysed": len(result.features), "failures": len(result.failures)}
print(json.dumps({"growth_mb": peak_mb() - before, **counts}))
"""


def write_long_flac(path: Path, minutes: float) -> None:
    """Stereo 44.1 kHz chords, written ten seconds at a time so the test itself stays small."""
    block = np.arange(10 * SR) / SR
    with soundfile.SoundFile(path, "w", SR, 2, format="FLAC") as audio:
        for i in range(int(minutes * 6)):
            chord = sum(np.sin(2 * np.pi * f * (block + 10 * i)) for f in (220.0, 277.2, 329.6)) * 0.2
            audio.write(np.stack([chord, 0.8 * chord], axis=1))


@pytest.mark.slow
def test_a_twenty_minute_file_stays_within_the_memory_cap(tmp_path: Path):
    long_file, short_file = tmp_path / "long.flac", tmp_path / "short.flac"
    write_long_flac(long_file, minutes=20)
    write_long_flac(short_file, minutes=1 / 6)
    decoded_whole_mb = 20 * 60 * SR * 2 * 4 / 2**20  # what reading the file at once would take

    completed = subprocess.run(
        [sys.executable, "-c", MEASURE, str(short_file), str(long_file), str(tmp_path / "c")],
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(completed.stdout.strip().splitlines()[-1])

    assert (measured["analysed"], measured["failures"]) == (1, 0)
    assert measured["growth_mb"] < FeaturesParams().memory_cap_mb
    assert measured["growth_mb"] < decoded_whole_mb / 4
