"""The /check page as Python: labels in the page's language, the language dropdown (detect or
override), the messages for an empty, over-long or too slow text, and the CSV download. One
browser walk covers the rest (tests/browser/test_check_page.py)."""

from __future__ import annotations

import io
import sys

import dash
import pandas as pd
import pytest

from dashboard.app import create_app
from readside import scan
from readside.text import t
from tests.test_scan import ACCEPTANCE


def text_of(component) -> str:
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    return "" if children is None else text_of(children)


@pytest.fixture(scope="module")
def app(built_db):
    return create_app(built_db)


@pytest.fixture(scope="module")
def page(app):
    """The page module Dash loaded (importing dashboard.pages.check again would register /check twice)."""
    entry = next(p for p in dash.page_registry.values() if p["path"] == "/check")
    return sys.modules[entry["module"]]


def run(app, page, text, text_lang="auto", lang="en"):
    with app.server.test_request_context("/check"):
        return page.run_check(1, text, text_lang, lang)


def test_labels_follow_the_page_and_the_language_is_detected_by_default(app, page):
    with app.server.test_request_context("/check"):
        text = text_of(page.layout(lang="fr"))
    assert t("fr", "scan.text_label") in text and t("fr", "scan.lang_label") in text and t("fr", "scan.privacy") in text
    with app.server.test_request_context("/check"):
        dropdown = next(c for c in _walk(page.layout(lang="fr")) if getattr(c, "id", None) == "check-lang")
    assert dropdown.value == page.AUTO and dropdown.options[0]["label"] == t("fr", "scan.lang_auto")


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_the_detected_language_is_said_and_the_dropdown_overrides_it(app, page):
    children, hidden = run(app, page, ACCEPTANCE)
    assert text_of(children[0]) == t("en", "scan.detected", language="Español") and hidden is False
    children, _ = run(app, page, "In 2019 the Americas hosted 70.3 million international migrants.", "en", "fr")
    assert text_of(children[0]) == t("fr", "scan.chosen", language="English")
    assert "Amériques, migrants internationaux 2019" in text_of(children)


@pytest.mark.parametrize(("text", "key"), [("", "scan.empty"), ("x" * (scan.MAX_CHARS + 5), "scan.too_long")])
def test_empty_or_too_long_a_text_says_so(app, page, text, key):
    (message,), hidden = run(app, page, text)
    assert hidden is True
    assert ("20,005" in text_of(message)) if key == "scan.too_long" else text_of(message) == t("en", key)


def test_too_slow_a_text_says_so(app, page, monkeypatch):
    monkeypatch.setattr("readside.scan.paragraph.CPU_SECONDS", -1.0)
    (message,), hidden = run(app, page, ACCEPTANCE)
    assert hidden is True and text_of(message) == t("en", "scan.too_slow", seconds="3")


def test_the_csv_download_has_one_row_per_figure(app, page):
    with app.server.test_request_context("/check"):
        download = page.download(1, ACCEPTANCE, "auto", "es")
    frame = pd.read_csv(io.StringIO(download["content"]))
    assert len(frame) == 5 and frame["status"].tolist() == ["matches", "differs", "differs", "matches", "matches"]
    assert frame["refreshed_es"].str.split().str[0].tolist() == ["Según", "Según", "En", "En", "Las"]
    assert frame["refreshed_es"].str.contains("Fuente:").all() and frame["refreshed_en"].isna().all()
