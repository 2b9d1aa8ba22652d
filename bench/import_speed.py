"""Import speed, and /v1/match latency while an import runs.

    .venv/bin/python bench/import_speed.py            # all three parts, ~2 min
    .venv/bin/python bench/import_speed.py --skip-serve

1. `claimnotes import claims.jsonl` (the shared 33,074-claim dataset) into a new
   database, into one holding the default claims (so every new row is checked
   for near-duplicates), and the same file again (idempotent: all unchanged).
   Each is a real subprocess, timed wall-clock.
2. A real `claimnotes serve` on loopback over a tmp database; one thread POSTs
   the dataset to /v1/import while the main thread sends /v1/match requests
   (a short page that matches a default claim) back to back. Then the same with
   `claimnotes import` writing to the server's database file from another
   process. Reports match requests, errors, and latency percentiles.
Only 127.0.0.1 is used; every loop is bounded.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _datasets import REPO, datasets_dir  # noqa: E402

PAGE = {"blocks": [{"id": "p1", "text": "My neighbour keeps telling everyone that vaccines cause autism, "
                                         "and that nobody should trust the doctors."}]}
MAX_MATCHES = 20_000  # bound on the request loop


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def claimnotes(*args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "claimnotes", *args], capture_output=True, text=True,
                            env=env, check=True, timeout=600)
    return time.perf_counter() - start, result.stdout.strip()


def part_cli(data: Path, tmp: Path) -> None:
    print("## CLI import of", data)
    fresh = str(tmp / "fresh.db")
    seconds, summary = claimnotes("import", str(data), "--db", fresh)
    print(f"empty store:            {seconds:6.1f} s  ({summary})")
    seconds, summary = claimnotes("import", str(data), "--db", fresh)
    print(f"same file again:        {seconds:6.1f} s  ({summary})")
    seeded = str(tmp / "seeded.db")
    claimnotes("import", str(REPO / "fixtures" / "claims.jsonl"), "--db", seeded)
    seconds, summary = claimnotes("import", str(data), "--db", seeded)
    print(f"store with the default claims (near-duplicate check on): {seconds:6.1f} s  ({summary})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def match_while(busy: threading.Thread, client: httpx.Client) -> tuple[list[float], int]:
    latencies, errors = [], 0
    while busy.is_alive() and len(latencies) < MAX_MATCHES:
        start = time.perf_counter()
        try:
            response = client.post("/v1/match", json=PAGE)
            ok = response.status_code == 200 and response.json()["matches"]
        except httpx.HTTPError:
            ok = False
        latencies.append(time.perf_counter() - start)
        errors += not ok
    return latencies, errors


def report(name: str, seconds: float, latencies: list[float], errors: int) -> None:
    ms = sorted(x * 1000 for x in latencies)
    pct = lambda p: ms[min(len(ms) - 1, int(p * len(ms)))]  # noqa: E731
    print(f"{name}: import {seconds:.1f} s; {len(ms)} match requests, {errors} errors; latency ms "
          f"p50 {statistics.median(ms):.1f}, p95 {pct(0.95):.1f}, p99 {pct(0.99):.1f}, max {ms[-1]:.1f}")


def part_serve(data: Path, tmp: Path) -> None:
    print("## /v1/match while importing")
    db = str(tmp / "served.db")
    port = free_port()
    env = {**os.environ, "CLAIMNOTES_MATCH_RATE_LIMIT": "0", "CLAIMNOTES_CURATOR_RATE_LIMIT": "0"}
    server = subprocess.Popen([sys.executable, "-m", "claimnotes", "serve", "--db", db, "--port", str(port),
                               "--log-level", "warning"], env=env)
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        for _ in range(200):
            try:
                if client.get("/v1/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        token = subprocess.run([sys.executable, "-m", "claimnotes", "token", "create", "--role", "curator",
                                "--name", "bench", "--db", db], capture_output=True, text=True,
                               check=True).stdout.strip()
        idle = []
        for _ in range(200):
            start = time.perf_counter()
            client.post("/v1/match", json=PAGE)
            idle.append(time.perf_counter() - start)
        report("idle (200 requests)", 0.0, idle, 0)

        body = data.read_bytes()
        result: dict[str, float] = {}

        def post_import() -> None:
            start = time.perf_counter()
            response = httpx.post(f"http://127.0.0.1:{port}/v1/import", content=body, timeout=600,
                                  headers={"Authorization": f"Bearer {token}"})
            result["seconds"] = time.perf_counter() - start
            result["created"] = response.json()["created"]

        busy = threading.Thread(target=post_import)
        busy.start()
        latencies, errors = match_while(busy, client)
        busy.join()
        report(f"POST /v1/import ({int(result['created'])} created)", result["seconds"], latencies, errors)

        # A curator's `claimnotes import` on the server's database, another process.
        data2 = tmp / "again.jsonl"
        data2.write_bytes(body.replace(b'"id": "vclaim-', b'"id": "copy-').replace(
            b'"url": "https://www.politifact.com/', b'"url": "https://www.politifact.com/copy/'))
        timing: dict[str, float] = {}

        def cli_import() -> None:
            timing["seconds"], timing["summary"] = claimnotes("import", str(data2), "--db", db)  # type: ignore[assignment]

        busy = threading.Thread(target=cli_import)
        busy.start()
        latencies, errors = match_while(busy, client)
        busy.join()
        report(f"claimnotes import into the served file ({timing['summary']})", timing["seconds"],
               latencies, errors)
        client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", help="folder holding factchecked-claims-33k")
    parser.add_argument("--skip-serve", action="store_true")
    args = parser.parse_args()
    data = datasets_dir(args.datasets) / "factchecked-claims-33k" / "claims.jsonl"
    print(f"machine: {os.cpu_count()} cores (nproc), {cpu_model()}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        part_cli(data, Path(tmp))
        if not args.skip_serve:
            part_serve(data, Path(tmp))


if __name__ == "__main__":
    main()
