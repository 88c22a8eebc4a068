"""The index page's script list, trimmed for the browsers delegates use.

Dash lists @babel/polyfill (core-js 2 and regenerator-runtime, 99 KB) first on every page. A
browser with ES modules (Chrome 61, Firefox 60, Safari 11 and later) has every core-js 2 feature
built in, and running the polyfill's feature checks cost the overview about 90 ms of its first
chart. What such a browser still needs from it is regenerator-runtime: dash-renderer's lazy
components (every graph and dropdown) call the global `regeneratorRuntime`. So the page loads
regenerator-runtime itself (vendored, 25 KB) and keeps the polyfill as `nomodule`, which only a
browser without ES modules runs. Dash also lists dash_table's bundle, which no page uses.
"""

from __future__ import annotations

import re

from dashboard.vendored import vendored_url

REGENERATOR = "regenerator-runtime/runtime.js"
POLYFILL_TAG = re.compile(r'<script src="([^"]*/dash/deps/polyfill@[^"]*)"></script>')
DASH_TABLE_TAG = re.compile(r'<script src="[^"]*/dash/dash_table/[^"]*"></script>\n?')


class UnexpectedScripts(RuntimeError):
    """Dash's script list no longer has the shape this module rewrites (a Dash upgrade)."""


def modern_scripts(scripts: str, prefix: str) -> str:
    """Dash's <script> tags with the polyfill for old browsers only and without dash_table."""
    scripts, found = POLYFILL_TAG.subn(
        lambda tag: f'<script src="{vendored_url(REGENERATOR, prefix)}"></script>\n'
                    f'<script nomodule src="{tag.group(1)}"></script>', scripts, count=1)
    if not found:
        raise UnexpectedScripts("Dash's index page lists no @babel/polyfill script to rewrite")
    return DASH_TABLE_TAG.sub("", scripts)
