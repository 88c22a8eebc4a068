"""Browser tests run in Debian's headless Chromium through Dash's dash_duo fixture."""

from __future__ import annotations

import os
import tempfile

import pytest
from dash.testing.application_runners import BaseDashRunner

# Under pytest-xdist each worker serves its apps on its own range of ports (dash_duo counts up
# from 58050 in every process, so two workers would otherwise collide). MIGDASH_TEST_PORT_BASE
# moves the whole range, so two checkouts can run their browser tests at once on one machine.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
_PORT_BASE = int(os.environ.get("MIGDASH_TEST_PORT_BASE", "58050"))
BaseDashRunner._next_port = _PORT_BASE + 500 * int(_WORKER or 0)

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1300,1000",
)


def pytest_setup_options():
    """Chrome options for dash_duo: Debian's binary, a fresh profile, the flags this machine needs."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='migdash-chromium-')}")
    return options


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def logged_browser():
    """Chromium as dash_duo starts it, recording its network events (CDP, the performance log):
    the offline tests of the map and flows pages read it."""
    from selenium import webdriver

    options = pytest_setup_options()
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    yield driver
    driver.quit()
