"""The first layout carries the page the browser is on (dashboard/first_page.py): the same
content and title as the pages router sends, for every page and language, and the container
the router fills when the browser names no page of this site."""

from __future__ import annotations

import dash
import pytest

from bench.harness import routing_payload
from dashboard.app import create_app

HOST = "http://localhost"


@pytest.fixture(scope="module")
def client(built_db):
    return create_app(built_db).server.test_client()


def first_layout(client, referrer: str | None) -> list[dict]:
    """The page container's children in the layout the browser gets on its first request."""
    response = client.get("/_dash-layout", headers={"Referer": referrer} if referrer else {})
    assert response.status_code == 200 and "Referer" in response.headers["Vary"]
    return response.get_json()["props"]["children"]["props"]["children"]


def routed(client, path: str, search: str) -> dict:
    response = client.post("/_dash-update-component", json=routing_payload(path, search))
    assert response.status_code == 200
    return response.get_json()["response"]


def addresses() -> list[tuple[str, str]]:
    pages = sorted(page["path"] for page in dash.page_registry.values())
    others = [("/", "?lang=es"), ("/claims", "?lang=pt&revision=2020"), ("/no-such-page", "?lang=fr"),
              ("/", "?revision=%27%3B")]
    return [(path, "") for path in pages] + others


def test_every_page_comes_in_the_first_layout_as_the_router_sends_it(client):
    for path, search in addresses():
        location, content, store, _ = first_layout(client, HOST + path + search)
        assert location["props"]["pathname"] == path and location["props"]["search"] == search
        expected = routed(client, path, search)
        assert content["props"]["children"] == expected["_pages_content"]["children"], path + search
        assert store["props"]["data"] == expected["_pages_store"]["data"]


def test_without_a_page_of_this_site_the_router_fills_the_page(client):
    for referrer in (None, "http://elsewhere.example/claims", f"{HOST}:8999/claims"):
        location, content, store, _ = first_layout(client, referrer)
        assert set(location["props"]) == {"id", "refresh"}  # dcc.Location reports the address itself
        assert content["props"]["children"] is None and store["props"].get("data") is None


def test_a_page_that_fails_to_build_is_left_to_the_router(client, monkeypatch):
    def broken(*_args):
        raise RuntimeError("a page that cannot be built")

    monkeypatch.setattr("dashboard.first_page.page_layout", broken)
    location, content, _, _ = first_layout(client, HOST + "/check?lang=fr&probe=broken")  # an address cached by no other test
    assert set(location["props"]) == {"id", "refresh"} and content["props"]["children"] is None


def test_the_first_layout_is_cached_per_address_and_build(client):
    first = client.get("/_dash-layout", headers={"Referer": HOST + "/subregions?lang=es"})
    again = client.get("/_dash-layout", headers={"Referer": HOST + "/subregions?lang=es"})
    other = client.get("/_dash-layout", headers={"Referer": HOST + "/subregions?lang=fr"})
    assert again.headers["X-Migdash-Cache"] == "hit" and again.data == first.data
    assert other.headers["X-Migdash-Cache"] == "miss" and other.data != first.data


def test_pages_send_their_address_to_this_site_only(client):
    assert client.get("/").headers["Referrer-Policy"] == "same-origin"
