"""Page layouts as plain functions: no database, hostile parameters, both languages."""

from __future__ import annotations

import dash
import pytest

from dashboard.app import create_app
from readside.text import t


def layouts(reading_only: bool = False):
    """Every page's layout; with reading_only, the pages that read the database (not Help)."""
    return {page["path"]: page["layout"] for page in dash.page_registry.values()
            if page["path"] != "/404" and (page.get("reads_database", True) or not reading_only)}


def text_of(component) -> str:
    if isinstance(component, str | int | float):
        return str(component)
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
