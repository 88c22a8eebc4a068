"""Page layouts as plain functions: no database, hostile parameters, both languages."""

from __future__ import annotations

import sys

import dash
import pytest

from dashboard.app import create_app
from dashboard.components import table_markup
from readside.text import t


def layouts(reading_only: bool = False):
    """Every page's layout; with reading_only, the pages that read the database (not Help)."""
    return {page["path"]: page["layout"] for page in dash.page_registry.values()
            if page["path"] != "/404" and (page.get("reads_database", True) or not reading_only)}


def text_of(component) -> str:
    if isinstance(component, str | int | float):
        return str(component)
    if (markup := table_markup(component)) is not None:
        return markup  # a text-only data table: its <table> markup
    children = getattr(component, "children", None)
    if children is None:
        return ""
    items = children if isinstance(children, list | tuple) else [children]
    return " ".join(text_of(c) for c in items)


def test_every_page_says_how_to_build_a_missing_database(tmp_path):
    app = create_app(tmp_path / "absent.duckdb")
    for path, layout in layouts(reading_only=True).items():
        for lang in ("en", "es"):
            with app.server.test_request_context(path):
                assert t(lang, "notice.no_database") in text_of(layout(lang=lang)), path


@pytest.mark.parametrize("value", ["1800", "'; DROP TABLE stock; --", "<script>alert(1)</script>", "9" * 400, ""])
def test_hostile_values_in_every_parameter_render_a_page(built_db, value):
    app = create_app(built_db)
    params = {"revision": value, "sex": value, "area": value, "year": value, "dataset": value,
              "areas": value, "years": value, "claims": value}
    for path, layout in layouts().items():
        with app.server.test_request_context(path):
            page = layout(lang=value, **params)
        assert "Traceback" not in text_of(page), path


def test_the_overview_arrives_drawn_and_redraws_only_when_asked(built_db):
    """The first chart comes with the page (no callback round trip before it), the same view the
    callback gives; the callback runs only when a control changes."""
    app = create_app(built_db)
    # the page module Dash loaded (importing dashboard.pages.overview again would register "/" twice)
    overview = sys.modules[next(p for p in dash.page_registry.values() if p["path"] == "/")["module"]]
    with app.server.test_request_context("/"):
        page = overview.layout(lang="es", sex="female", scope="oas")
        drawn = {c.id: c for c in components(page) if getattr(c, "id", None)}
        revision = drawn["overview-revision"].value
        title, headline, cards, figure, *_ = overview.update_overview(revision, "female", [], "oas", "es")
    assert drawn["overview-title"].children == title and drawn["overview-headline"].children == headline
    assert drawn["overview-trend"].figure.to_plotly_json() == figure.to_plotly_json() and len(figure.data) > 1
    dependencies = app.server.test_client().get("/_dash-dependencies").get_json()
    registered = next(d for d in dependencies if "overview-trend.figure" in d["output"])
    assert registered["prevent_initial_call"] is True


def components(component) -> list:
    """Every component in a layout tree."""
    children = getattr(component, "children", None)
    items = children if isinstance(children, list | tuple) else [children] if children is not None else []
    return [component] + [c for item in items if hasattr(item, "to_plotly_json") for c in components(item)]
