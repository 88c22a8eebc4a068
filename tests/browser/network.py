"""What the offline tests count as a request leaving the machine, read from Chromium's own
network log (CDP events in the `performance` log of `module_duo`/`logged_browser`).

Only http(s) and ws(s) requests to a host other than loopback leave the machine. The browser's
internal schemes (chrome://, chrome-untrusted://new-tab-page/..., data:, blob:, about:) never
do, whatever a Chromium version fetches for its own pages; a CDN script or a map tile does.
"""

from __future__ import annotations

import ipaddress
import json
from urllib.parse import urlsplit

NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss"})


def leaves_the_machine(url: str) -> bool:
    """True for an http(s)/ws(s) URL whose host is not loopback (127.0.0.0/8, ::1, localhost)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in NETWORK_SCHEMES:
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a name other than localhost: resolved, and reached, elsewhere


def requested_urls(driver) -> list[str]:
    """Every URL the page requested since the log was last read (reading empties it)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            params = message["params"]
            urls.append(params["request"]["url"] if "request" in params else params["url"])
    return urls


def outside_requests(urls: list[str]) -> list[str]:
    return [u for u in urls if leaves_the_machine(u)]


def callback_exchanges(driver) -> list[tuple[str, int | None]]:
    """(outputs, HTTP status or None while unanswered) of each Dash callback request since the
    log was last read: what a test that waits for a chart in vain should say."""
    asked, answered = {}, {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent" and "_dash-update-component" in params["request"]["url"]:
            body = params["request"].get("postData", "")
            try:
                asked[params["requestId"]] = str(json.loads(body).get("output", ""))[:80]
            except ValueError:
                asked[params["requestId"]] = body[:80]
        elif message["method"] == "Network.responseReceived" and params.get("requestId") in asked:
            answered[params["requestId"]] = params["response"]["status"]
    return [(outputs, answered.get(request)) for request, outputs in asked.items()]
