"""The README documents every route, setting and command (Datasette's test_docs idea)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claimnotes import create_app
from claimnotes.cli import build_parser
from claimnotes.settings import Settings

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _routes() -> list[str]:
    app = create_app(Settings(db_path=":memory:", seed=False))
    return sorted({route.path for route in app.routes if route.path.startswith("/v1/")})


@pytest.mark.parametrize("path", _routes())
def test_every_route_has_a_curl_example(path):
    # Path parameters are shown filled in, e.g. /v1/claims/cancer-fungus/history.
    pattern = re.escape(path).replace(r"\{claim_id:str\}", r"[^/\s'\"]+").replace(r"\{claim_id\}", r"[^/\s'\"]+")
    assert re.search(r"curl[^\n]*(\\\n[^\n]*)*" + pattern, README), path


@pytest.mark.parametrize("variable", sorted(set(re.findall(
    r"CLAIMNOTES_[A-Z_]+", (REPO / "server/claimnotes/settings.py").read_text()))))
def test_every_setting_is_documented(variable):
    assert f"`{variable}`" in README


def _commands() -> list[str]:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_documented(command):
    assert f"claimnotes {command}" in README


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (REPO / ".ci/run").read_text()
