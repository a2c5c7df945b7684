"""How fast the `tastemaker` command starts: `--help`, and `recs` on a published project.

    python benchmarks/cli_startup.py [--project DIR] [--artist ID] [--runs 7]

Run it in (or point `--project` at) a folder where `make demo` has published. Each command is
started `--runs` times as a new process and timed from launch to exit; the median counts. Beside
each, in the same run, the same command with the libraries that now load inside the commands
(pandas, NumPy, SQLAlchemy, fsspec) imported up front, as the CLI did before: the ratio is what
loading them lazily saves. A bare interpreter start is the floor. Then `python -X importtime`
lists the modules that cost `recs` the most.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

EAGER = "import pandas, numpy, sqlalchemy, fsspec; "
LAUNCH = "import sys; from tastemaker.cli import main; sys.argv[0] = 'tastemaker'; sys.exit(main())"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="a folder `make demo` published in")
    parser.add_argument("--artist", help="artist id for `recs` (default: the first published one)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    artist = args.artist or first_published_artist(args.project)
    commands = {"--help": ["--help"], "recs": ["recs", "--artist", artist]}

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; median of {args.runs} starts"
    )
    floor = median_seconds([sys.executable, "-c", "pass"], args.project, args.runs)
    print(f"{'command':<22}{'lazy s':>9}{'eager s':>9}{'eager / lazy':>14}")
    print(f"{'python -c pass':<22}{floor:>9.3f}")
    for name, arguments in commands.items():
        lazy = median_seconds([sys.executable, "-c", LAUNCH, *arguments], args.project, args.runs)
        eager = median_seconds([sys.executable, "-c", EAGER + LAUNCH, *arguments], args.project, args.runs)
        print(f"{'tastemaker ' + name:<22}{lazy:>9.3f}{eager:>9.3f}{eager / lazy:>13.2f}x")
    print("\nmodules `tastemaker recs` spends most on importing (cumulative ms, python -X importtime):")
    for microseconds, module in heaviest_imports(commands["recs"], args.project):
        print(f"{microseconds / 1000:>9.1f}  {module}")


def first_published_artist(project: Path) -> str:
    import pandas as pd

    published = project / "data" / "publication" / "recommendations.parquet"
    if not published.is_file():
        sys.exit(f"no publication at {published}: run `make demo` first, or pass --project")
    return str(pd.read_parquet(published, columns=["artist_id"])["artist_id"].min())


def median_seconds(command: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        completed = subprocess.run(
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
        )
        times.append(time.perf_counter() - started)
        if completed.returncode != 0:
            sys.exit(f"{' '.join(command)} failed: {completed.stderr.decode()[-500:]}")
    return statistics.median(times)


def heaviest_imports(arguments: list[str], cwd: Path, top: int = 10) -> list[tuple[int, str]]:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", LAUNCH, *arguments],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    outermost = []  # imports made by the command itself or by its own modules, not nested deeper
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        if depth <= 1:
            outermost.append((int(cumulative), name.strip()))
    return sorted(outermost, reverse=True)[:top]


if __name__ == "__main__":
    main()
