"""Portal latency under load: N signed-in users at once on one world's publication, on loopback.

The world's catalog and playlists become the validated tables; the publication is written
straight into the store (`store.publish`), ten pairs per artist with the published shares of
control (20%) and random (10%) slots, since `world generate --preset large` has no audio to
run the pipeline on. Each user signs in through the form, then asks, with no pause, for its
artist's home page and its pitches from the JSON API in turn, until every user has made
`--requests` requests or `--max-seconds` have passed. Latency is measured at the client.

    tastemaker world generate --preset large --out /tmp/large/landing --seed 1
    python benchmarks/portal.py --landing /tmp/large/landing --users 20 --requests 100
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import psutil
import yaml

from tastemaker.config import load_params
from tastemaker.portal import accounts, tables
from tastemaker.portal.settings import load_settings
from tastemaker.publication import store

REPO = Path(__file__).resolve().parents[1]
PITCHES_PER_ARTIST = 10
PASSWORD = "benchmark-password"  # accounts of a throwaway database in a temporary folder


def build_project(landing: Path, folder: Path, users: int, seed: int, workers: int) -> list[str]:
    """Validated tables and a publication for every artist of `landing`; returns the signed-up artists."""
    rng = np.random.default_rng(seed)
    settings = yaml.safe_load((REPO / "params.yaml").read_text())
    settings["portal"]["workers"] = workers
    (folder / "params.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    validated = folder / "data" / "validated"
    validated.mkdir(parents=True)
    catalog = pd.read_csv(landing / "catalog.csv")
    playlists = pd.read_csv(landing / "playlists.csv")
    catalog.to_parquet(validated / "catalog.parquet", index=False)
    playlists.to_parquet(validated / "playlists.parquet", index=False)
    recommendations = synthetic_publication(catalog, playlists, rng)
    params = load_params(folder / "params.yaml")
    os.chdir(folder)
    settings = load_settings(params)
    run_date = recommendations["run_date"].iloc[0]
    header = {
        "run_date": run_date,
        "run_id": "benchmark",
        "published_at": dt.datetime.now(dt.UTC),
        "model_name": "tastemaker-ranker",
        "model_version": "1",
        "data_version": "benchmark",
        "git_commit": "benchmark",
        "params_hash": "benchmark",
        "artists": int(recommendations["artist_id"].nunique()),
        "pitches": len(recommendations),
    }
    store.publish(store.connect(settings.publication_db_url), header, recommendations, 30)
    engine = tables.connect(settings.portal_db_url)
    artists = list(rng.choice(recommendations["artist_id"].unique(), size=users, replace=False))
    for index, artist in enumerate(artists):
        accounts.add_user(engine, f"user{index}@bench.test", f"User {index}", "artist", [artist], PASSWORD)
    return artists


def synthetic_publication(catalog: pd.DataFrame, playlists: pd.DataFrame, rng) -> pd.DataFrame:
    tracks = catalog.sample(frac=1, random_state=int(rng.integers(1 << 31))).groupby("artist_id").head(5)
    rows = tracks.loc[tracks.index.repeat(PITCHES_PER_ARTIST)].groupby("artist_id").head(PITCHES_PER_ARTIST)
    rows = rows.reset_index(drop=True)
    chosen = playlists.iloc[rng.integers(0, len(playlists), len(rows))].reset_index(drop=True)
    low = rng.integers(20, 2000, len(rows))
    return pd.DataFrame(
        {
            "run_date": dt.date(2026, 6, 30),
            "run_id": "benchmark",
            "model_name": "tastemaker-ranker",
            "model_version": "1",
            "data_version": "benchmark",
            "artist_id": rows["artist_id"],
            "artist_name": rows["artist_name"],
            "rank": rows.groupby("artist_id").cumcount() + 1,
            "isrc": rows["isrc"],
            "track_title": rows["title"],
            "playlist_id": chosen["playlist_id"],
            "playlist_name": chosen["name"],
            "score": rng.normal(0, 1, len(rows)),
            "expected_streams_low": low,
            "expected_streams_high": low * 3,
            "reasons": json.dumps(
                ["sounds like a track the playlist carries", "genre match", "audience overlap"]
            ),
            "is_control": rng.random(len(rows)) < 0.2,
            "is_explore": rng.random(len(rows)) < 0.1,
        }
    )


def start_portal(folder: Path, port: int) -> subprocess.Popen:
    # Plain-HTTP loopback: the client would not send back a Secure cookie over http.
    env = {**os.environ, "TASTEMAKER_PORTAL_SECURE_COOKIES": "0"}
    env.pop("TASTEMAKER_DB_URL", None)
    env.pop("TASTEMAKER_PORTAL_DB_URL", None)
    command = [str(Path(sys.executable).parent / "tastemaker"), "portal", "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300  # each worker loads the catalog; slow on a busy machine
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the portal did not start within 300 s")


def user_session(
    base: str, index: int, artist: str, requests: int, stop_at: float, timings: dict, lock
) -> None:
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        signed_in = client.post(
            "/login", data={"csrf_token": token, "email": f"user{index}@bench.test", "password": PASSWORD}
        )
        assert signed_in.status_code == 200 and "Sign out" in signed_in.text, signed_in.status_code
        routes = {"home page": f"/artists/{artist}", "API pitches": f"/api/v1/artists/{artist}/pitches"}
        for number in range(requests):
            if time.monotonic() > stop_at:
                break
            kind = "home page" if number % 2 == 0 else "API pitches"
            started = time.perf_counter()
            response = client.get(routes[kind])
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (kind, response.status_code)
            with lock:
                timings[kind].append(elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--landing", type=Path, required=True, help="landing zone of a generated world")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100, help="requests per user at most")
    parser.add_argument("--max-seconds", type=float, default=120, help="stop the load after this long")
    parser.add_argument("--port", type=int, default=8871)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (portal.workers)")
    args = parser.parse_args()
    landing = args.landing.resolve()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as temporary:
        folder = Path(temporary)
        started = time.perf_counter()
        artists = build_project(landing, folder, args.users, args.seed, args.workers)
        print(f"publication written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        server = start_portal(folder, args.port)
        try:
            timings, lock = {"home page": [], "API pitches": []}, threading.Lock()
            stop_at = time.monotonic() + args.max_seconds
            base = f"http://127.0.0.1:{args.port}"
            threads = [
                threading.Thread(
                    target=user_session, args=(base, index, artist, args.requests, stop_at, timings, lock)
                )
                for index, artist in enumerate(artists)
            ]
            process = psutil.Process(server.pid)
            cpu_before = _cpu_seconds(process)
            load_started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - load_started
            server_cpu = _cpu_seconds(process) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{args.workers} uvicorn worker(s)")
    report(timings, wall, args.users, server_cpu)


def _cpu_seconds(process: psutil.Process) -> float:
    """CPU time of the server and its workers: what a request costs whatever else the machine runs."""
    processes = [process, *process.children(recursive=True)]
    return sum(sum(p.cpu_times()[:2]) for p in processes)


def report(timings: dict[str, list[float]], wall: float, users: int, server_cpu: float) -> None:
    total = sum(len(values) for values in timings.values())
    print(
        f"{users} users, {total} requests in {wall:.1f} s (sign-ins included): {total / wall:.0f} requests/s; "
        f"server CPU {1000 * server_cpu / total:.1f} ms a request; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    print(f"{'route':<12} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, values in timings.items():
        ms = np.array(values) * 1000
        print(
            f"{kind:<12} {len(ms):>8} {np.percentile(ms, 50):>8.1f} {np.percentile(ms, 95):>8.1f} {ms.max():>8.1f}"
        )


if __name__ == "__main__":
    main()
