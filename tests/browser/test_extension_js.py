"""Runs the extension's pure JS unit tests (`node --test extension/test/`) from pytest."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from browser_harness import EXTENSION_DIR


def test_node_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    result = subprocess.run([node, "--test", "test/"], cwd=EXTENSION_DIR, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
