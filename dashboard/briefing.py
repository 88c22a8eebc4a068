"""Briefs on the dashboard: the GET /brief/<html|pdf> route and the talking-point cards that the
overview and country pages show (the same sentences as the brief, each with a copy button).

A rendered brief is cached per (database build, subject, language, format) on the Flask app:
a PDF takes Chromium a second or two, and a build never changes under a cached entry because
the build id is part of the key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from dash import dcc, get_relative_path, html
from flask import Response, current_app, request

from dashboard.components import database, href
from readside import queries
from readside.documents.measures import TalkingPoint
from readside.documents.points import talking_points
from readside.documents.render import PdfError, file_name, render
from readside.documents.subjects import BriefError, Subject, parse_subject
from readside.text import language, t

FORMATS = ("html", "pdf")
CACHE_ENTRIES = 48
_LOCK = threading.Lock()


def brief_href(subject: Subject, lang: str, fmt: str = "html") -> str:
    """The download link of a brief (relative to the app's path prefix)."""
    key = {"area": "area", "group": "group", "theme": "theme"}[subject.kind]
    return href(get_relative_path(f"/brief/{fmt}"), **{key: subject.key, "lang": lang})


def _cache() -> OrderedDict:
    return current_app.extensions.setdefault("migdash_briefs", OrderedDict())


def _cached(key: tuple, make) -> bytes:
    with _LOCK:
        cache = _cache()
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    data = make()
    with _LOCK:
        cache[key] = data
        while len(cache) > CACHE_ENTRIES:
            cache.popitem(last=False)
    return data


def brief_download(fmt: str) -> Response:
    """GET /brief/<html|pdf>?area=M49|group=GROUPING|theme=THEME&lang=: every parameter validated."""
    lang = language(request.args.get("lang"))
    if fmt not in FORMATS:
        return Response(t(lang, "data.bad_format") + "\n", status=404, mimetype="text/plain")
    db = database()
    try:
        subject = parse_subject(db, area=request.args.get("area"), group=request.args.get("group"),
                                       theme=request.args.get("theme"))
        build = queries.build_info(db)["build_id"]
        data = _cached((str(db.path), build, subject, lang, fmt), lambda: render(db, subject, lang, fmt))
    except BriefError as error:
        return Response(error.message(lang) + "\n", status=400, mimetype="text/plain")
    except PdfError as error:
        return Response(t(lang, "briefs.error.pdf", reason=str(error)) + "\n", status=503, mimetype="text/plain")
    mimetype = "application/pdf" if fmt == "pdf" else "text/html"
    disposition = f'attachment; filename="{file_name(db, subject, lang, fmt)}"'
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


# ---- talking-point cards ----


def point_card(point: TalkingPoint, card_id: str, lang: str) -> html.Div:
    """One sentence and its citation; the button copies both (the target's text)."""
    return html.Div([
        html.Div([html.P(point.sentence, className="tp-sentence"), html.P(point.citation, className="tp-citation")],
                 id=card_id, lang=lang),
        dcc.Clipboard(target_id=card_id, id=f"{card_id}-copy", title=t(lang, "briefs.copy"), className="copy-button"),
    ], className="tp-card")


def talking_point_section(db: queries.Database, subject: Subject, lang: str, prefix: str) -> list:
    """Heading, the cards and the download links of the subject's brief."""
    points = talking_points(db, subject, lang)
    cards = [point_card(p, f"{prefix}-{i}", lang) for i, p in enumerate(points)]
    links = html.P([
        html.A(t(lang, "briefs.download"), href=brief_href(subject, lang), className="download",
               id=f"{prefix}-download"), " · ",
        html.A(t(lang, "briefs.download_pdf"), href=brief_href(subject, lang, "pdf"), className="download",
               id=f"{prefix}-download-pdf"),
    ])
    return [html.H2(t(lang, "briefs.cards.title")), links, html.P(t(lang, "briefs.cards.intro"), className="note"),
            html.Div(cards, className="tp-cards")]


def overview_points_block(db: queries.Database, lang: str) -> html.Section:
    """The overview's talking points: the overview theme brief's sentences (the Americas, the OAS)."""
    return html.Section(talking_point_section(db, Subject("theme", "overview"), lang, "overview-tp"),
                        id="overview-talking-points", className="talking-points")


def country_points_block() -> html.Section:
    """The country page's placeholder; `update_country_points` fills it for the chosen area."""
    return html.Section(id="country-talking-points", className="talking-points")


def country_points(area: object, lang: object) -> list:
    """The country page's talking points for the chosen area (its callback lives in the page
    module: Dash registers a page's callbacks with every app it builds)."""
    lang = language(lang)
    db = database()
    try:
        subject = parse_subject(db, area=area)
    except BriefError:
        return []
    return talking_point_section(db, subject, lang, "country-tp")
