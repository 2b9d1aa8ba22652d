"""Saves docs/screenshot.png: the seed article in Chromium with the extension loaded,
its highlights drawn and the note card of the headline open.

    .venv/bin/python bench/screenshot.py [--out docs/screenshot.png] [--dark]

Starts the real server on a free loopback port with fixtures/claims.jsonl in a
temporary database, serves fixtures/pages/ on another port, and uses Debian's
Chromium (/usr/bin/chromium, or $CLAIMNOTES_CHROMIUM).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_harness import (FIXTURE_CLAIMS, ClaimnotesServer, ExtensionControl, PageServer,  # noqa: E402
                             launch, wait_for_status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--dark", action="store_true", help="use the dark colour scheme")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = ClaimnotesServer(Path(tmp) / "claims.db", [FIXTURE_CLAIMS]).start()
        pages = PageServer().start()
        try:
            with sync_playwright() as playwright:
                context, extension_id = launch(playwright, Path(tmp) / "profile",
                                               color_scheme="dark" if args.dark else "light",
                                               viewport={"width": 1280, "height": 800})
                control = ExtensionControl(context, extension_id)
                control.set_settings(serverUrl=server.url)
                page = context.new_page()
                page.goto(pages.url + "/fixtures/seed-article.html")
                state = wait_for_status(control, control.tab_id(page), {"ok", "error"}, timeout=30)
                if state["status"] != "ok" or not state["items"]:
                    raise SystemExit(f"no notes on the seed page: {state}")
                # open the card of the second note (the article's main claim, mid-page)
                index = 1 if len(state["items"]) > 1 else 0
                page.locator("claimnotes-overlay .marker").nth(index).click()
                page.locator("claimnotes-card .card").wait_for()
                page.wait_for_timeout(200)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                context.close()
        finally:
            pages.stop()
            server.stop()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
