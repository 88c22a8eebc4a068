"""Briefs: one per thematic meeting of the Committee's work plan, and one for any country, area
or grouping, each as a self-contained HTML file or a PDF (served by dashboard.briefing)."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard.briefing import brief_href
from dashboard.components import database, needs_database, notice, page_frame
from readside import groupings, queries
from readside.documents.layout import missing_notices
from readside.documents.subjects import BriefError, Subject, parse_subject, themes
from readside.text import language, name_column, t

dash.register_page(__name__, path="/briefs", name="Briefs", order=8)

PATH = "/briefs"
DEFAULT_AREA = 484  # Mexico


def links(subject: Subject, lang: str, prefix: str) -> html.P:
    """HTML and PDF download links of one brief."""
    return html.P([
        html.A(t(lang, "briefs.page.download_html"), href=brief_href(subject, lang), className="download",
               id=f"{prefix}-html"),
        html.A(t(lang, "briefs.page.download_pdf"), href=brief_href(subject, lang, "pdf"), className="download",
               id=f"{prefix}-pdf"),
    ], className="brief-links")


def theme_item(db: queries.Database, key: str, lang: str) -> html.Li:
    subject = Subject("theme", key)
    missing = [notice(text) for text in missing_notices(db, subject, lang)]
    return html.Li([html.H3(t(lang, f"briefs.theme.{key}")), html.P(t(lang, f"briefs.meeting.{key}")), *missing,
                    links(subject, lang, f"brief-theme-{key}")])


@needs_database(PATH)
def layout(lang: str = "en", area: str | None = None, **_: object) -> html.Div:
    lang = language(lang)
    db = database()
    name_col = name_column(lang)
    countries = queries.countries(db)
    try:
        chosen = parse_subject(db, area=area).code if area else DEFAULT_AREA
    except BriefError:
        chosen = DEFAULT_AREA
    areas = [{"label": row[name_col], "value": int(row["code"])} for _, row in countries.iterrows()]
    groups = groupings.groupings(db)
    group_options = [{"label": row.get(f"name_{lang}", row["name_en"]), "value": row["grouping"]}
                     for _, row in groups.iterrows()]
    return page_frame(
        lang, PATH, {"area": area},
        html.H1(t(lang, "briefs.page.title")),
        html.P(t(lang, "briefs.page.intro")),
        html.H2(t(lang, "briefs.page.themes")),
        html.Ul([theme_item(db, key, lang) for key in themes()], className="brief-themes"),
        html.H2(t(lang, "briefs.page.areas")),
        html.Div([html.Label(t(lang, "briefs.page.select_area"), htmlFor="briefs-area"),
                  dcc.Dropdown(id="briefs-area", options=areas, value=chosen, clearable=False)],
                 className="controls", style={"maxWidth": "420px"}),
        html.Div(links(Subject("area", str(chosen)), lang, "brief-area"), id="briefs-area-links"),
        html.H2(t(lang, "briefs.page.groups")),
        html.Div([html.Label(t(lang, "briefs.page.select_group"), htmlFor="briefs-group"),
                  dcc.Dropdown(id="briefs-group", options=group_options, value="oas", clearable=False)],
                 className="controls", style={"maxWidth": "420px"}),
        html.Div(links(Subject("group", "oas"), lang, "brief-group"), id="briefs-group-links"),
        dcc.Store(id="briefs-lang", data=lang),
    )


@callback(Output("briefs-area-links", "children"), Input("briefs-area", "value"), State("briefs-lang", "data"))
def update_area_links(area: object, lang: object) -> html.P:
    lang = language(lang)
    try:
        subject = parse_subject(database(), area=area)
    except BriefError:
        subject = Subject("area", str(DEFAULT_AREA))
    return links(subject, lang, "brief-area")


@callback(Output("briefs-group-links", "children"), Input("briefs-group", "value"), State("briefs-lang", "data"))
def update_group_links(group: object, lang: object) -> html.P:
    lang = language(lang)
    try:
        subject = parse_subject(database(), group=group)
    except BriefError:
        subject = Subject("group", "oas")
    return links(subject, lang, "brief-group")
