"""Browser tests run in Debian's headless Chromium (Dash's testing tools).

Each browser test costs seconds, most of them in starting Chromium and a server and in loading
plotly.js. Share them: a module's tests use ONE server, and every module of a test process ONE
Chromium (`worker_chromium`), unless a test needs its own (another database, a server it stops).
The fixtures, cheapest first:

- `duo` (function scope, built on the module-scoped `module_duo`): a `DashComposite` (the object
  `dash_duo` gives: `.driver`, `.server_url`, `.find_element`, `.wait_for_text_to_equal`,
  `.get_logs()`, ...) whose server already serves `module_app`. Each test starts on
  about:blank with the browser's console and network logs emptied and no phone emulation, so
  open your page first: `duo.driver.get(duo.server_url + "/map?lang=es")`. Navigate between
  pages with `navigate(duo, path)` (tests/browser/test_accessibility.py): Dash's router, no
  reload, plotly.js is not parsed again. `requested_urls(duo.driver)` (tests/browser/network.py)
  lists what the page fetched since the test began.
- `module_app` (module scope): the app `module_duo` serves, `create_app(built_db)`. A module
  needing another database overrides it: `@pytest.fixture(scope="module") def module_app(...)`.
- `dash_duo` (function scope, Dash's own): a new server and browser per test; only for tests that
  must start from scratch.
- `logged_browser` (function scope): a lone Chromium recording its network events.
"""

from __future__ import annotations

import os
import tempfile

import pytest
from dash.testing.application_runners import BaseDashRunner, ThreadedRunner
from dash.testing.composite import DashComposite

from tests.browser.helpers import wait_idle

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


def logging_options(console: str = "ALL"):
    """As pytest_setup_options, recording the console (from level `console`) and the network
    events (CDP, the `performance` log)."""
    options = pytest_setup_options()
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": console})
    options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
    return options


def logging_chromium(download_path: str):
    """A Chromium recording its console errors (what get_logs() returns, as dash_duo's) and its
    network events, saving downloads into `download_path`."""
    from selenium import webdriver

    options = logging_options(console="SEVERE")
    options.add_experimental_option("prefs", {"download.default_directory": download_path,
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_path})
    return driver


class SharedChromiumComposite(DashComposite):
    """dash_duo's object, on the test process's one Chromium (`worker_chromium`, which also
    records network events), left running for the next module: a start costs ~1.3 s of CPU."""

    def __init__(self, server, driver, **kwargs):
        self._shared = driver
        super().__init__(server, **kwargs)

    def _get_chrome(self):
        self._shared.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": self.download_path})
        return self._shared

    def __exit__(self, exc_type, exc_val, traceback):
        """The browser outlives the module (worker_chromium quits it); it leaves the module's
        page once no callback is in flight, so the server stops with no request half-served."""
        try:
            wait_idle(self.driver)
        finally:
            self.driver.get("about:blank")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def logged_browser():
    """Chromium as dash_duo starts it, recording its network events (CDP, the performance log)."""
    from selenium import webdriver

    driver = webdriver.Chrome(options=logging_options())
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def module_app(built_db):
    """The app the module's shared server serves (override in a module for another database)."""
    from dashboard.app import create_app

    return create_app(built_db)


@pytest.fixture(scope="session")
def worker_chromium(tmp_path_factory):
    """One Chromium per test process, recording console and network, shared by the modules'
    `module_duo` (each module has its own server, on its own port: another origin)."""
    driver = logging_chromium(str(tmp_path_factory.mktemp("download")))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def module_duo(module_app, worker_chromium, tmp_path_factory):
    """One Dash server (a thread) for a whole module, on the process's Chromium. Tests use it
    through `duo`, which resets the browser between tests."""
    with ThreadedRunner() as server:
        server(module_app)
        with SharedChromiumComposite(server, worker_chromium, browser="chrome", headless=True,
                                     download_path=str(tmp_path_factory.mktemp("download"))) as composite:
            composite.server_url = server.url  # also waits until the app answers
            yield composite


@pytest.fixture
def duo(module_duo):
    """The module's server and browser, as a new test should find them: about:blank, logs
    emptied, a desktop window (no phone emulation), a 30 s script timeout."""
    driver = module_duo.driver
    for extra in driver.window_handles[1:]:  # a tab a test opened and left
        driver.switch_to.window(extra)
        driver.close()
    driver.switch_to.window(driver.window_handles[0])
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_script_timeout(30)
    driver.get("about:blank")
    module_duo.get_logs()
    driver.get_log("performance")
    return module_duo
