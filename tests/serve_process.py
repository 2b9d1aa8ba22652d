"""A real `claimnotes serve` subprocess on loopback, for tests that kill, restart
or run several workers (the in-thread LiveServer of conftest.py can't be killed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from claimnotes.store import ClaimStore
from claimnotes.tokens import create_token
from support import free_port


class ServeProcess:
    """`python -m claimnotes serve` with its stdout/stderr captured to files."""

    def __init__(self, db: Path, *args: str, seed_file: Path | None = None,
                 env: dict[str, str] | None = None, log_dir: Path | None = None) -> None:
        self.db = db
        self.args = args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = log_dir or db.parent
        self.env = {**os.environ, "CLAIMNOTES_MATCH_RATE_LIMIT": "0", "CLAIMNOTES_CURATOR_RATE_LIMIT": "0",
                    **({"CLAIMNOTES_SEED_FILE": str(seed_file)} if seed_file else {}), **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.runs = 0

    def start(self, timeout: float = 30) -> ServeProcess:
        self.runs += 1
        self.stdout = open(self.log_dir / f"serve-{self.port}-{self.runs}.out", "wb")
        self.stderr = open(self.log_dir / f"serve-{self.port}-{self.runs}.err", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "claimnotes", "serve", "--db", str(self.db), "--port", str(self.port),
             *self.args], stdout=self.stdout, stderr=self.stderr, env=self.env,
            start_new_session=True)  # its own process group: workers die with it
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.logs()[-2000:]}")
            try:
                if httpx.get(self.url + "/v1/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start: " + self.logs()[-2000:])
            time.sleep(0.05)

    def kill9(self) -> None:
        """SIGKILL the whole process group: no shutdown code runs anywhere."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._close_logs()

    def stop(self) -> None:
        """A clean shutdown (SIGTERM), then SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            self._close_logs()
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._close_logs()

    def _close_logs(self) -> None:
        for f in (getattr(self, "stdout", None), getattr(self, "stderr", None)):
            if f is not None and not f.closed:
                f.close()

    def logs(self) -> str:
        """Everything the server printed, over all its runs."""
        text = []
        for path in sorted(self.log_dir.glob(f"serve-{self.port}-*")):
            text.append(path.read_bytes().decode("utf-8", "replace"))
        return "\n".join(text)

    def token(self, role: str = "curator", name: str | None = None) -> str:
        store = ClaimStore.open(str(self.db))
        try:
            secret, _ = create_token(store.db, name or f"{role}-{time.monotonic_ns()}", role)  # type: ignore[arg-type]
        finally:
            store.close()
        return secret
