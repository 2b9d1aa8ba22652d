"""Load test: concurrent POST /v1/match with real pages against a real
`claimnotes serve` on loopback, through wrk (Debian's `wrk`, with a Lua script
for the POST bodies) or, without wrk, a bounded Python client.

    .venv/bin/python bench/load.py                          # 60 s, 8 connections, 1 worker
    .venv/bin/python bench/load.py --workers 2 --duration 60
    .venv/bin/python bench/load.py --tool python --duration 10
    .venv/bin/python bench/load.py --cold      # unique text in every request (python client)

The pages are fixtures/pages/*.html turned into text blocks by
claimnotes.pagetext.extract_blocks (what the extension sends), cycled in turn.
The server holds the default claims (fixtures/claims.jsonl) and runs with rate
limits off (one client address would otherwise be limited). Reports requests
per second, p50/p90/p99 latency and the error rate (non-2xx and socket errors).
Traffic goes to 127.0.0.1 only; every run stops by itself after --duration.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "server"))

from claimnotes.pagetext import extract_blocks  # noqa: E402

LUA = r"""
local bodies = {}
local count = 0
local next_body = 0

function init(args)
  for i, path in ipairs(args) do
    local f = assert(io.open(path, "rb"))
    bodies[i] = f:read("*a")
    f:close()
  end
  count = #bodies
end

function request()
  next_body = next_body % count + 1
  return wrk.format("POST", "/v1/match", {["Content-Type"] = "application/json"}, bodies[next_body])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\"requests\": %d, \"duration_s\": %.3f, \"connect\": %d, \"read\": %d, \"write\": %d, " ..
    "\"status\": %d, \"timeout\": %d, \"p50_ms\": %.2f, \"p90_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}\n",
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3))
end
"""


def page_blocks() -> list[list[tuple[str, str]]]:
    return [extract_blocks(path.read_text(encoding="utf-8"))
            for path in sorted((REPO / "fixtures" / "pages").glob("*.html"))]


def page_bodies() -> list[bytes]:
    return [json.dumps({"url": None, "blocks": [{"id": i, "text": t} for i, t in blocks]}).encode()
            for blocks in page_blocks()]


def cold_body(blocks: list[tuple[str, str]], nonce: int) -> bytes:
    """The page with a unique word after every sentence end, so that no block or
    sentence is in the matcher's caches: every request is matched from scratch."""
    tag = f" Zq{nonce:x} "
    return json.dumps({"url": None, "blocks": [
        {"id": i, "text": f"Zq{nonce:x} " + t.replace(". ", "." + tag)} for i, t in blocks]}).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "CLAIMNOTES_MATCH_RATE_LIMIT": "0", "CLAIMNOTES_CURATOR_RATE_LIMIT": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimnotes", "serve", "--db", str(tmp / "load.db"), "--port", str(port),
         "--workers", str(workers), "--log-level", "warning", "--limit-concurrency", "1000"],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=open(tmp / "server.err", "wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/v1/health")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        except OSError:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("server did not start: " + (tmp / "server.err").read_text())


def warm_up(port: int, bodies: list[bytes], workers: int) -> None:
    for _ in range(5 * workers):
        for body in bodies:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/v1/match", body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                raise SystemExit(f"warm-up request failed: {response.status}")


def run_wrk(port: int, bodies: list[bytes], tmp: Path, args: argparse.Namespace) -> tuple[dict, str]:
    paths = []
    for i, body in enumerate(bodies):
        path = tmp / f"body{i}.json"
        path.write_bytes(body)
        paths.append(str(path))
    script = tmp / "match.lua"
    script.write_text(LUA)
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s",
           "-s", str(script), f"http://127.0.0.1:{port}", "--", *paths]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT "))
    r = json.loads(line.removeprefix("RESULT "))
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    shown = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s",
             "-s", "match.lua", "http://127.0.0.1:PORT", "--", "body*.json"]
    return ({"requests": r["requests"], "seconds": r["duration_s"], "errors": errors,
             "p50_ms": r["p50_ms"], "p90_ms": r["p90_ms"], "p99_ms": r["p99_ms"], "max_ms": r["max_ms"]},
            " ".join(shown))


def run_python(port: int, bodies: list[bytes], args: argparse.Namespace) -> tuple[dict, str]:
    """One keep-alive connection per thread, each sending the pages in turn."""
    latencies: list[list[float]] = [[] for _ in range(args.connections)]
    errors = [0] * args.connections
    start = time.monotonic()
    stop_at = start + args.duration

    pages = page_blocks()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = k
        while time.monotonic() < stop_at:
            body = cold_body(pages[i % len(pages)], i * 1000 + k) if args.cold else bodies[i % len(bodies)]
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/v1/match", body=body, headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                ok = 200 <= response.status < 300
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            latencies[k].append(time.perf_counter() - t0)
            errors[k] += not ok
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    all_ms = sorted(x * 1000 for per in latencies for x in per)
    q = statistics.quantiles(all_ms, n=100, method="inclusive")
    return ({"requests": len(all_ms), "seconds": seconds, "errors": sum(errors),
             "p50_ms": q[49], "p90_ms": q[89], "p99_ms": q[98], "max_ms": all_ms[-1]},
            f"python client, {args.connections} keep-alive connections" + (", cold pages" if args.cold else ""))


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores (nproc), {model}, Python {platform.python_version()}, "
            f"load average {load:.1f} at start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (the server needs the cores)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--cold", action="store_true",
                        help="make every request's sentences unique (defeats the matcher's caches; python client)")
    args = parser.parse_args()
    tool = args.tool
    if args.cold and tool == "auto":
        tool = "python"
    if args.cold and tool != "python":
        raise SystemExit("--cold needs --tool python (wrk sends fixed bodies)")
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    if tool == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk, or use --tool python")

    bodies = page_bodies()
    sizes = sorted(len(b) for b in bodies)
    with tempfile.TemporaryDirectory(prefix="claimnotes-load-") as name:
        tmp = Path(name)
        proc, port = start_server(tmp, args.workers)
        try:
            warm_up(port, bodies, args.workers)
            result, command = (run_wrk(port, bodies, tmp, args) if tool == "wrk"
                               else run_python(port, bodies, args))
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    rps = result["requests"] / result["seconds"]
    rate = result["errors"] / max(1, result["requests"])
    print(f"machine: {machine()}")
    print(f"pages: {len(bodies)} bodies, {sizes[0] // 1000}-{sizes[-1] // 1000} KB of JSON")
    print(f"command: {command}")
    print(f"server: claimnotes serve --workers {args.workers} (rate limits off)")
    print("| tool | workers | connections | seconds | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {tool}{' (cold)' if args.cold else ''} | {args.workers} | {args.connections} | {result['seconds']:.0f} | {result['requests']} | "
          f"{rps:.1f} | {result['p50_ms']:.1f} | {result['p90_ms']:.1f} | {result['p99_ms']:.1f} | "
          f"{result['max_ms']:.1f} | {result['errors']} ({rate:.2%}) |")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
