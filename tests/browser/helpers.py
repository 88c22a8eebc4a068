"""Waiting for and moving between pages in the browser tests, shared by every module."""

from __future__ import annotations

import time

# Resolves once no Dash callback is in flight and, with `page`, the page has a heading and every
# graph has drawn; then once the DOM has not changed for `quiet` ms (a11y.js and tables.js
# repair on the next frame after the last change). Resolves anyway after `limit` ms.
QUIET = """
const quiet = arguments[0], limit = arguments[1], page = arguments[2], done = arguments[arguments.length - 1];
const start = performance.now();
let last = start;
const observer = new MutationObserver(() => { last = performance.now(); });
observer.observe(document.documentElement, {childList: true, subtree: true, attributes: true, characterData: true});
(function poll() {
  const now = performance.now();
  const busy = document.querySelector('[data-dash-is-loading="true"]') || (page && (!document.querySelector('main h1')
    || ![...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'))));
  if (busy) { last = now; }
  if ((!busy && now - last >= quiet) || now - start > limit) { observer.disconnect(); done(now - start); }
  else { setTimeout(poll, 25); }
})();
"""


def settle(duo, quiet_ms: int = 250, limit_s: float = 20) -> None:
    """Wait until Dash has no callback in flight, the charts have drawn and the page is still:
    what a reader waits for."""
    duo.driver.set_script_timeout(limit_s + 10)
    duo.driver.execute_async_script(QUIET, quiet_ms, limit_s * 1000, True)


def wait_idle(driver, limit_s: float = 10) -> None:
    """Wait until no Dash callback is in flight, on any page (about:blank too): before a
    server stops, so that no request is cut off half-served."""
    driver.set_script_timeout(limit_s + 5)
    driver.execute_async_script(QUIET, 0, limit_s * 1000, False)


def navigate(duo, path: str) -> None:
    """Go to another page, or the same page in another language, as the header's links do
    (Dash's router, no reload: plotly.js is not parsed again), and wait until the new page's
    heading or language has replaced the old one."""
    driver = duo.driver
    shown = ("const m = document.querySelector('main[lang]'); const h = document.querySelector('main h1');"
             "return h && m ? [h.textContent, m.lang] : null;")
    before = driver.execute_script(shown)
    target, _, query = path.partition("?")
    lang = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("lang")
    if driver.execute_script("return window.location.pathname") == target and before and before[1] == lang:
        return  # already there (the page may have written its selections into the query string)
    if before is None:  # no Dash page open yet (about:blank): load it
        driver.get(duo.server_url + path)
    else:
        driver.execute_script("window.history.pushState({}, '', arguments[0]);"
                              "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));", path)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and driver.execute_script(shown) in (before, None):
        time.sleep(0.05)


def text_of(duo, selector: str) -> str | None:
    """textContent of the first element matching `selector`, read in one step in the page (a
    WebElement can go stale between finding it and reading it while Dash re-renders)."""
    return duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", selector)


def wait_for_text(duo, selector: str, predicate, what: str, timeout: float = 20) -> str:
    """Until the text of `selector` satisfies `predicate`; returns it."""
    deadline = time.monotonic() + timeout
    while not ((text := text_of(duo, selector)) is not None and predicate(text)):
        assert time.monotonic() < deadline, f"{what}: {selector} reads {text!r}"
        time.sleep(0.1)
    return text


_FOCUS_IN_LIST = ("const e = document.activeElement;"
                  "return e && e.closest('.dash-dropdown-content') ? (e.textContent || e.value || e.tagName) : null;")


def focus_in_dropdown_list(duo, other_than: str | None = None, timeout: float = 10) -> str:
    """Wait until the open dropdown list holds the keyboard focus (on an option other than
    `other_than`) and return what is focused. Dash's dropdown moves the focus into its list in
    an animation frame after opening, and each arrow key in the next one: a key sent before
    that frame goes nowhere, so a fixed pause is a race on a busy machine."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(duo.driver, timeout).until(
        lambda d: d.execute_script(_FOCUS_IN_LIST) not in (None, other_than))
    return duo.driver.execute_script(_FOCUS_IN_LIST)
