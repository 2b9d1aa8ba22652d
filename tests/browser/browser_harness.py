"""Helpers for the browser tests and bench/screenshot.py: the real server on loopback,
a static file server for the test pages, and Debian's Chromium with the extension."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_DIR = ROOT / "extension"
TEST_PAGES = Path(__file__).resolve().parent / "pages"
FIXTURE_PAGES = ROOT / "fixtures" / "pages"
TEST_CLAIMS = Path(__file__).resolve().parent / "claims.jsonl"
FIXTURE_CLAIMS = ROOT / "fixtures" / "claims.jsonl"
CHROMIUM = os.environ.get("CLAIMNOTES_CHROMIUM", "/usr/bin/chromium")

# The flags checked to load an unpacked MV3 extension in Debian's Chromium, headless.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    """Returns a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "claimnotes", *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    server_src = str(ROOT / "server")
    env["PYTHONPATH"] = server_src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


class ClaimnotesServer:
    """`claimnotes serve` in a subprocess on a free loopback port, with a fresh database."""

    def __init__(self, db_path: Path, claim_files: list[Path], env: dict[str, str] | None = None):
        self.db_path = db_path
        self.claim_files = claim_files
        self.extra_env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log_path = db_path.with_suffix(".log")

    def start(self) -> "ClaimnotesServer":
        for claims in self.claim_files:
            subprocess.run(_cli("import", "--db", str(self.db_path), str(claims)), env=_env(), check=True,
                           capture_output=True, timeout=120)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            _cli("serve", "--host", "127.0.0.1", "--port", str(self.port), "--db", str(self.db_path), "--no-seed"),
            env={**_env(), **self.extra_env}, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"claimnotes serve exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/v1/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except urllib.error.HTTPError:
                return self  # it answers (a server that wants reader tokens says 401)
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("claimnotes serve did not answer /v1/health within 60 s")

    def create_token(self, role: str, name: str) -> str:
        """Returns a new API token made with `claimnotes token create`."""
        result = subprocess.run(_cli("token", "create", "--db", str(self.db_path), "--role", role, "--name", name),
                                env=_env(), check=True, capture_output=True, text=True, timeout=60)
        return result.stdout.strip().splitlines()[-1].strip()

    def post(self, path: str, body: dict) -> dict:
        """POSTs JSON to the server and returns the decoded answer."""
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def translate_path(self, path: str) -> str:
        # /pages/... -> tests/browser/pages, /fixtures/... -> fixtures/pages
        clean = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, directory in (("/fixtures/", FIXTURE_PAGES), ("/pages/", TEST_PAGES)):
            if clean.startswith(prefix):
                target = (directory / clean[len(prefix):]).resolve()
                if directory.resolve() in target.parents:
                    return str(target)
        return str(TEST_PAGES / "__missing__")


class PageServer:
    """Serves the test pages (/pages/) and fixtures/pages (/fixtures/) on loopback."""

    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _QuietHandler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.fixture_pages = FIXTURE_PAGES
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> "PageServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def launch(playwright, user_data_dir: Path, *, color_scheme: str = "light", viewport=None):
    """Returns (context, extension_id): a persistent Chromium context with the extension loaded."""
    ext = str(EXTENSION_DIR)
    context = playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=CHROMIUM, headless=True,
        args=[f"--disable-extensions-except={ext}", f"--load-extension={ext}", *CHROMIUM_ARGS],
        color_scheme=color_scheme, viewport=viewport or {"width": 1200, "height": 800})
    workers = [w for w in context.service_workers if w.url.startswith("chrome-extension://")]
    worker = workers[0] if workers else context.wait_for_event("serviceworker", timeout=30_000)
    extension_id = worker.url.split("/")[2]
    return context, extension_id


class ExtensionControl:
    """An extension page kept open to read and write chrome.storage and query tabs."""

    def __init__(self, context, extension_id: str):
        self.extension_id = extension_id
        self.base = f"chrome-extension://{extension_id}"
        self.page = context.new_page()
        self.page.goto(self.base + "/src/options/options.html")

    def set_settings(self, **settings) -> None:
        token = settings.pop("token", None)
        self.page.evaluate("s => chrome.storage.sync.set(s)", settings)
        if token is not None:
            self.page.evaluate("t => chrome.storage.local.set({token: t})", token)

    def reset_settings(self, server_url: str) -> None:
        self.page.evaluate("() => Promise.all([chrome.storage.sync.clear(), chrome.storage.local.clear()])")
        self.set_settings(serverUrl=server_url)

    def tab_id(self, page) -> int:
        """Returns the tab id of a page. The extension has no "tabs" permission, so it
        cannot see tab URLs: bring the page to the front and ask for the active tab."""
        page.bring_to_front()
        tabs = self.page.evaluate(
            "() => chrome.tabs.query({active: true, lastFocusedWindow: true}).then(ts => ts.map(t => t.id))")
        assert len(tabs) == 1, f"expected one active tab, found {tabs}"
        return tabs[0]

    def tab_state(self, tab_id: int) -> dict | None:
        """Returns the TabState the extension stored for a tab (what the popup shows)."""
        return self.page.evaluate("k => chrome.storage.session.get(k).then(r => r[k] ?? null)", f"tab:{tab_id}")


# Reads what the content script registered with CSS.highlights, in document order.
HIGHLIGHTS_JS = """() => {
  const out = [];
  if (!window.CSS || !CSS.highlights) return out;
  for (const [name, hl] of CSS.highlights) {
    if (!name.startsWith('claimnotes-')) continue;
    for (const r of hl) {
      let node = r.commonAncestorContainer;
      if (node.nodeType !== 1) node = node.parentElement;
      const owner = node.closest('[id]');
      const ancestors = [];
      for (let el = node; el && el !== document.body; el = el.parentElement) ancestors.push(el.localName);
      out.push({name, text: r.toString(), range: r, element: owner ? owner.id : null, ancestors});
    }
  }
  out.sort((a, b) => a.range.compareBoundaryPoints(Range.START_TO_START, b.range));
  return out.map(({name, text, element, ancestors}) => ({name, text, element, ancestors}));
}"""


def highlights(page) -> list[dict]:
    """Returns [{name, text, element, ancestors}] for every claimnotes highlight, in document
    order; element is the id of the nearest element with an id that holds the whole range,
    ancestors the tag names from that range's parent up to (not including) <body>."""
    return page.evaluate(HIGHLIGHTS_JS)


def wait_for_highlight_count(page, count: int, timeout: float = 15_000) -> list[dict]:
    page.wait_for_function(f"() => ({HIGHLIGHTS_JS})().length === {count}", timeout=timeout)
    return highlights(page)


def wait_for_status(control: ExtensionControl, tab_id: int, statuses: set[str], timeout: float = 15.0) -> dict:
    """Waits until the tab's reported status is one of statuses; returns the TabState."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = control.tab_state(tab_id)
        if state and state.get("status") in statuses:
            return state
        time.sleep(0.1)
    raise AssertionError(f"tab status never became {statuses}: {state}")


def overlay_js(expr: str) -> str:
    """Wraps a JS expression that can use `root` (the overlay's shadow root) for page.evaluate."""
    return f"() => {{ const host = document.querySelector('claimnotes-overlay'); const root = host && host.shadowRoot; return ({expr}); }}"
