"""Headless Chromium for the report's browser tests (the system's Debian package, driven by playwright).

Where no Chromium is installed the browser tests are skipped with a reason starting
BROWSER_SKIP, which tests/conftest.py repeats loudly at the end of the run; under CI
(``CI`` set) a missing browser fails them instead, so they cannot silently not run.
"""

from __future__ import annotations

import os
import shutil

import pytest

BROWSER_SKIP = "BROWSER TESTS DID NOT RUN"

#: Chromium's flags for this machine: no sandbox as root, and no background connections
#: (the network is closed; without these Chromium retries refused connections).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path():
    given = os.environ.get("FLOPCAST_CHROMIUM")
    if given is not None:
        return given if os.access(given, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """The browser's path, or a skip (a failure under CI) saying why there is none."""
    executable = chromium_path()
    if executable is None:
        reason = (f"{BROWSER_SKIP}: no Chromium found (install Debian's `chromium` package, "
                  "e.g. `apt-get install -y chromium`, or set FLOPCAST_CHROMIUM)")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return executable


def launch(playwright, profile):
    """A fresh browser with an empty profile in ``profile`` (a pytest temporary folder, so that
    pytest removes the 2.5 MB it holds as it removes its other old runs' folders)."""
    executable = require_chromium()
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=executable, headless=True, args=FLAGS,
        viewport={"width": 1300, "height": 1000})
