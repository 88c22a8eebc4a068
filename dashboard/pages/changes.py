"""What changed: what the last refresh of the data brought (new vintages and years), which figures
of the Americas the publishers revised, and which quoted claims changed status."""

from __future__ import annotations

import dash
from dash import html

from dashboard import what_changed
from dashboard.components import database, needs_database, page_frame
from readside.text import language, t

dash.register_page(__name__, path=what_changed.PATH, name="Changes", order=88)


@needs_database(what_changed.PATH)
def layout(lang: str = "en", **_: object) -> html.Div:
    lang = language(lang)
    return page_frame(lang, what_changed.PATH, {}, html.H1(t(lang, "changes.title")), html.P(t(lang, "changes.intro")),
                      *what_changed.sections(database(), lang))
