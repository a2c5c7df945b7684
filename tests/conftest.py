"""Shared fixtures: a tiny world generated once, a demo world taken in once, and throwaway projects on them."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

from tastemaker.world import generate_world, truth_dir_for

REPO = Path(__file__).resolve().parents[1]
TINY_SEED = 3
DEMO_SEED = 0


def suite_params() -> dict:
    """The repository's params.yaml, with one feature worker: tests share the machine's cores."""
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["features"]["workers"] = 1
    return params


@pytest.fixture(autouse=True, scope="module")
def no_event_loop_left_running():
    """A module that leaves an asyncio loop running in the main thread (an open sync Playwright does) makes
    Prefect hand coroutines to every later test: fail in the module that leaks it, not far away."""
    yield
    assert asyncio._get_running_loop() is None, "this module left an asyncio loop running in the main thread"


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("world") / "landing"
    generate_world(landing, preset="tiny", seed=TINY_SEED)
    return landing


ENDPOINT_VARIABLES = ("MLFLOW_TRACKING_URI", "TASTEMAKER_DB_URL", "DASK_SCHEDULER_ADDRESS", "PREFECT_API_URL")


def make_project(folder: Path, landing: Path) -> Path:
    """A working folder laid out like a user's checkout after `tastemaker world generate`: params.yaml,
    data/landing and its hidden truth beside it, nothing run yet."""
    shutil.copytree(landing, folder / "data" / "landing")
    shutil.copytree(truth_dir_for(landing), truth_dir_for(folder / "data" / "landing"))
    (folder / "params.yaml").write_text(yaml.safe_dump(suite_params(), sort_keys=False))
    return folder


@contextmanager
def inside(folder: Path):
    """Work in `folder` with every endpoint at its local default (files under the folder)."""
    previous = Path.cwd()
    saved = {name: os.environ.pop(name) for name in ENDPOINT_VARIABLES if name in os.environ}
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(previous)
        os.environ.update(saved)


@pytest.fixture
def project(tmp_path, tiny_world) -> Path:
    with inside(make_project(tmp_path, tiny_world)) as folder:
        yield folder


@pytest.fixture(scope="session")
def demo_taken_in(tmp_path_factory) -> Path:
    """A project on the demo world, ingested, validated and listened to (generating and analysing 240
    tracks takes minutes): built once per run, shared by the pytest-xdist workers through a lock, and
    only ever copied (`demo_project`), never run in."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    folder, done = shared / "demo-taken-in", shared / "demo-taken-in.done"
    with FileLock(shared / "demo-taken-in.lock"):
        if not done.exists():
            from pipelines import features, ingest, validate
            from tastemaker.config import load_params

            shutil.rmtree(folder, ignore_errors=True)
            generate_world(folder / "data" / "landing", preset="demo", seed=DEMO_SEED)
            (folder / "params.yaml").write_text(yaml.safe_dump(suite_params(), sort_keys=False))
            with inside(folder):
                params = load_params()
                for stage in (ingest, validate, features):
                    stage.run(params)
            done.touch()
    return folder


def _link_audio_copy_rest(source: str, target: str) -> None:
    """Audio is never rewritten in place (ingest replaces a file whole), so a hard link is a safe copy."""
    if f"{os.sep}audio{os.sep}" in source:
        os.link(source, target)
    else:
        shutil.copy2(source, target)


@pytest.fixture
def demo_project(tmp_path, demo_taken_in) -> Path:
    """A throwaway copy of the taken-in demo project, worked in like `project`."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_taken_in, folder, copy_function=_link_audio_copy_rest)
    with inside(folder):
        yield folder


@pytest.fixture
def tastemaker_main(monkeypatch, capsys):
    """Run the `tastemaker` entry point in-process, as a user's shell would: (exit code, stdout, stderr)."""
    from tastemaker.cli import main

    def run(*arguments: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["tastemaker", *arguments])
        with pytest.raises(SystemExit) as exited:
            main()
        printed = capsys.readouterr()
        return exited.value.code, printed.out, printed.err

    return run


def subprocess_env(project: Path) -> dict[str, str]:
    """Environment for a CLI or DVC subprocess: this venv first on PATH, Prefect state inside the project."""
    env = {key: value for key, value in os.environ.items() if key not in ENDPOINT_VARIABLES}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PREFECT_HOME"] = str(project / ".prefect")
    return env


def run_in(project: Path, *command: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """`command` as a user runs it in `project` (its output captured; the caller checks the return code)."""
    return subprocess.run(
        command,
        cwd=project,
        env=subprocess_env(project),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def deliver_bad_report_row(project: Path) -> None:
    """Make the delivery in `project` fail validation's threshold: one impossible report row, no tolerance."""
    report = min((project / "data" / "landing" / "streams").glob("*.csv"))
    first_row = report.read_text().splitlines()[1].split(",")
    date, isrc, playlist_id, territory = first_row[:4]
    with report.open("a") as stream:
        stream.write(f"{date},{isrc},{playlist_id},{territory},3,2,9,0\n")  # 9 skips of 3 streams
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["validate"]["max_quarantine_share"] = 0.0
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_aac(path: Path, seconds: float, freq: float = 440.0, rate: int = 44100) -> Path:
    """A stereo tone as AAC in an M4A container: a format libsndfile cannot read."""
    import av
    import numpy as np

    t = np.arange(int(seconds * rate)) / rate
    tone = (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    planar = np.stack([tone, tone])
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=rate, layout="stereo")
        for start in range(0, planar.shape[1], 1024):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(planar[:, start : start + 1024]), format="fltp", layout="stereo"
            )
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path
