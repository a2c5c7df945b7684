"""Time each world preset and its peak memory: `python benchmarks/world.py [preset ...]`.

Each preset runs in a fresh child process, so its peak RSS (ru_maxrss of the finished children:
the generator plus its audio workers) is not mixed up with the others.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GENERATE = (
    "import sys; from tastemaker.world import generate_world; generate_world(sys.argv[1], sys.argv[2], 0)"
)


def benchmark(preset: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB of the largest process so far).

    CPU seconds tell what the wall time would be on idle cores when the machine is shared.
    ru_maxrss of children is a running maximum, so run the largest preset last (or alone).
    """
    cpu_before = _children_cpu()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", GENERATE, str(Path(folder) / "world"), preset], check=True)
        seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, _children_cpu() - cpu_before, peak_kib / 1024


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(presets: list[str]) -> None:
    for preset in presets:
        seconds, cpu_seconds, peak_mib = benchmark(preset)
        print(
            f"{preset:6s} {seconds:7.1f} s wall  {cpu_seconds:7.1f} s CPU  peak RSS {peak_mib:7.0f} MiB",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:] or ["tiny", "demo", "large"])
