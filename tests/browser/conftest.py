"""Fixtures for the browser tests: the real server, the test pages, and Chromium with
the extension, shared per module to keep the suite to a few minutes."""

from __future__ import annotations

import pytest

from browser_harness import (FIXTURE_CLAIMS, TEST_CLAIMS, ClaimnotesServer, ExtensionControl, PageServer,
                     chromium_available, launch)



@pytest.fixture(scope="session")
def claim_server(tmp_path_factory):
    """The real server with fixtures/claims.jsonl and the browser tests' own claims."""
    server = ClaimnotesServer(tmp_path_factory.mktemp("server") / "claims.db", [FIXTURE_CLAIMS, TEST_CLAIMS])
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def page_server():
    server = PageServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    if not chromium_available():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance, tmp_path_factory, claim_server):
    """(context, control): one Chromium profile per test module, pointed at the test server."""
    context, extension_id = launch(playwright_instance, tmp_path_factory.mktemp("profile"))
    control = ExtensionControl(context, extension_id)
    control.reset_settings(claim_server.url)
    yield context, control
    context.close()


@pytest.fixture
def context(browser):
    return browser[0]


@pytest.fixture
def control(browser, claim_server):
    """The extension control page; settings go back to the defaults after each test."""
    _, control = browser
    yield control
    control.reset_settings(claim_server.url)


@pytest.fixture
def page(context):
    """A fresh tab that records the page's uncaught errors in page.errors."""
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    page.close()
