"""Pieces every page shares: the database handle, the page frame, notices, tables."""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import dcc, html
from flask import current_app, g

from dashboard.help_links import help_link
from readside import citations, queries
from readside.inputs import whole_number
from readside.queries import SEXES, Database, NoDatabase
from readside.text import LANGUAGE_NAMES, LANGUAGE_SWITCH_LABEL, LANGUAGES, language, strings, t

DATABASE_KEY = "MIGDASH_DATABASE"


def database() -> Database:
    """This request's database handle, pinned on one build so a response never mixes two builds."""
    if "migdash_db" not in g:
        g.migdash_db = current_app.config[DATABASE_KEY].pinned()
    return g.migdash_db


def href(path: str, **params: object) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def page_frame(lang: str, path: str, params: dict, *children: object) -> html.Div:
    """Header with navigation and language switch, then the page content."""
    nav = [
        dcc.Link(
            strings(lang).get(f"nav.{page['name'].lower()}", page["name"]),
            href=href(page["path"], lang=lang), className="nav-link",
        )
        for page in dash.page_registry.values()
        if page["path"] != "/404"
    ]
    return html.Div(
        [
            html.A(t(lang, "nav.skip"), href="#main", className="skip-link"),
            html.Header(
                [
                    html.Div([html.Strong("migdash"), html.Span(t(lang, "app.tagline"), className="tagline")]),
                    # On narrow screens assets/a11y.js shows this button and folds the navigation
                    # under it; without JavaScript the button stays hidden and the links wrap.
                    html.Button(t(lang, "a11y.menu"), id="nav-toggle", className="nav-toggle", type="button",
                                hidden=True, **{"aria-expanded": "false", "aria-controls": "main-nav"}),
                    html.Nav(nav, id="main-nav", className="main-nav", **{"aria-label": t(lang, "a11y.main_nav")}),
                    language_switch(lang, path, params),
                ],
                className="site-header",
            ),
            # tabIndex -1: the skip link moves the keyboard focus here, not only the scroll position
            html.Main(list(children), id="main", lang=lang, tabIndex="-1"),
        ]
    )


def language_switch(lang: str, path: str, params: dict) -> html.Nav:
    """Links to this page in every language, each named in its own language; the current one
    has aria-current. assets/language.js keeps the current selections when switching; href is
    the no-JS fallback. The link of the former two-way switch (Español on English pages, English
    on the others) keeps id="language-switch"; the others are "language-switch-<code>"."""
    lang = language(lang)
    former = "es" if lang == "en" else "en"
    items: list[object] = []
    for code in LANGUAGES:
        if items:
            items.append(html.Span(" · ", className="language-separator", **{"aria-hidden": "true"}))
        items.append(html.A(
            LANGUAGE_NAMES[code], href=href(path, **{**params, "lang": code}),
            id="language-switch" if code == former else f"language-switch-{code}",
            className="language-switch", hrefLang=code, lang=code,
            **{"data-lang": code}, **({"aria-current": "true"} if code == lang else {}),
        ))
    return html.Nav(items, className="language-switcher", **{"aria-label": LANGUAGE_SWITCH_LABEL[lang]})


def notice(message: str, kind: str = "info") -> html.Div:
    return html.Div(message, className=f"notice notice-{kind}", role="status")


TABLE_MARKUP = "data-table-markup"  # assets/tables.js renders a text-only table from this attribute


def data_table(frame: pd.DataFrame, headers: list[str], table_id: str) -> html.Table | html.Div:
    """A plain, accessible HTML table of the numbers behind a chart.

    Text-only tables travel as one escaped HTML string in an attribute of their holder, which
    assets/tables.js turns into the <table>: Dash's renderer spends seconds on a layout of
    thousands of html.Td components (the Remittances page took 11 s to settle in Chromium), and
    one string renders at once, without the 466 kB of JavaScript dcc.Markdown would load for it.
    Tables whose cells hold components (links, badges) keep the component form."""
    rows = list(frame.itertuples(index=False))
    if any(isinstance(v, dash.development.base_component.Component) for row in rows for v in row):
        head = html.Thead(html.Tr([html.Th(h, scope="col") for h in headers]))
        body = html.Tbody([html.Tr([html.Td(v) for v in row]) for row in rows])
        return html.Table([head, body], id=table_id, className="data-table")
    return html.Div(className="data-table-holder", **{TABLE_MARKUP: table_html(headers, rows, table_id)})


def table_markup(component: object) -> str | None:
    """The <table> markup a text-only data_table holds (None for any other component)."""
    markup = getattr(component, TABLE_MARKUP, None)
    return markup if isinstance(markup, str) else None


def table_html(headers: list[str], rows: list[tuple], table_id: str) -> str:
    """<table> markup with every header and cell escaped (the values come from publishers' files)."""
    def cell(value: object) -> str:
        return "" if value is None or (isinstance(value, float) and pd.isna(value)) else escape(str(value))

    head = "".join(f'<th scope="col">{escape(str(h))}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return (f'<table id="{escape(table_id)}" class="data-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def needs_database(path: str) -> Callable[[Callable[..., html.Div]], Callable[..., html.Div]]:
    """Page layouts raise NoDatabase freely: the page then says which command builds it."""

    def wrap(layout: Callable[..., html.Div]) -> Callable[..., html.Div]:
        @functools.wraps(layout)
        def guarded(lang: str = "en", **query: object) -> html.Div:
            try:
                return layout(lang=lang, **query)
            except NoDatabase:
                lang = language(lang)
                return page_frame(lang, path, {}, notice(t(lang, "notice.no_database"), "warning"))

        return guarded

    return wrap


def resolve_selection(lang: str, revision: object, sex: object, available: list[int]) -> tuple[int, str, list[html.Div]]:
    """Revision and sex from the URL, falling back to defaults with a notice for each bad value."""
    chosen, bad_revision = parse_revision(revision, available)
    sex, bad_sex = parse_sex(sex)
    return chosen, sex, selection_notices(lang, bad_revision, chosen, bad_sex)


def parse_revision(value: object, available: list[int]) -> tuple[int, str | None]:
    """The requested revision if loaded, else the latest, plus the rejected value to report."""
    latest = available[-1]
    if value in (None, ""):
        return latest, None
    revision = whole_number(str(value))  # ASCII digits only: '²' or '٢٠٢٤' is no revision
    return (revision, None) if revision in available else (latest, str(value)[:40])


def parse_sex(value: object) -> tuple[str, str | None]:
    return (value, None) if value in SEXES else ("total", str(value)[:40])


def revision_control(control_id: str, lang: str, available: list[int], chosen: int) -> html.Div:
    return html.Div(
        [
            html.Label(t(lang, "control.revision"), htmlFor=control_id),
            dcc.Dropdown(
                id=control_id,
                options=[{"label": t(lang, "revision.label", revision=r), "value": r} for r in reversed(available)],
                value=chosen, clearable=False, searchable=False,
            ),
        ]
    )


def sex_control(control_id: str, lang: str, chosen: str) -> html.Div:
    return html.Div(
        [
            html.Label(t(lang, "control.sex"), id=f"{control_id}-label"),
            dcc.RadioItems(
                id=control_id,
                options=[{"label": t(lang, f"sex.{s}"), "value": s} for s in SEXES],
                value=chosen, inline=True, inputStyle={"marginRight": "4px", "marginLeft": "10px"},
            ),
        ],
        role="radiogroup", **{"aria-labelledby": f"{control_id}-label"},
    )


def selection_notices(lang: str, bad_revision: str | None, chosen: int, bad_sex: str | None) -> list[html.Div]:
    """Friendly warnings for URL parameters that were not understood."""
    out = []
    if bad_revision is not None:
        out.append(notice(t(lang, "notice.bad_revision", value=bad_revision, revision=chosen), "warning"))
    if bad_sex is not None:
        out.append(notice(t(lang, "notice.bad_sex", value=bad_sex), "warning"))
    return out


def source_line(db: Database, revision: int, lang: str) -> str:
    """UN DESA's citation of one revision, in the page's language."""
    source = queries.provenance_for(db, revision) or {}
    return t(lang, "source.line", publisher=citations.publisher(source.get("publisher", "UN DESA"), lang),
             revision=revision, licence=source.get("licence", ""))


def chart_block(graph_id: str, filename: str, lang: str, *, height: str = "520px") -> list:
    """A slide-ready graph plus its 'numbers behind the chart' toggle."""
    from dashboard.figures import graph_config

    return [
        dcc.Graph(id=graph_id, config=graph_config(filename), style={"height": height}),
        numbers_behind(graph_id, lang, table_box(f"{graph_id}-table", lang)),
    ]


def numbers_behind(graph_id: str, lang: str, table: object, summary_key: str = "overview.table") -> html.Details:
    """A chart's "numbers behind the chart": its table, and a link to the Help section that
    says what these figures count (dashboard.help_links)."""
    return html.Details([html.Summary(t(lang, summary_key)), table, html.P(help_link(graph_id, lang), className="help-link-line")])


def table_box(box_id: str, lang: str, *children: object) -> html.Div:
    """A box in which a wide table scrolls by itself (never the page), reachable by keyboard."""
    return html.Div(list(children), id=box_id, className="table-scroll", tabIndex="0", role="region",
                    **{"aria-label": t(lang, "a11y.table_region")})


def url_sync_script(*names: str) -> str:
    """Clientside callback body: mirror the inputs into the query string without a re-render."""
    sets = " ".join(f"params.set('{n}', arguments[{i}] === null ? '' : String(arguments[{i}]));" for i, n in enumerate(names))
    return (
        "function() { const params = new URLSearchParams(window.location.search); "
        f"{sets} window.history.replaceState(null, '', window.location.pathname + '?' + params.toString()); return ''; }}"
    )


def not_loaded_notice(lang: str, source: str) -> html.Div:
    """Where a series has no data: what is missing, in the reader's terms, and a link to the
    Sources page (which holds the commands); never an empty or invented chart."""
    return missing_notice(lang, t(lang, "notice.not_loaded", what=t(lang, f"what.{source}"),
                                  publisher=t(lang, f"publisher.{source}"), source=source))


def missing_notice(lang: str, message: str, kind: str = "info") -> html.Div:
    """A notice saying what this database lacks, with a link to Sources & method, where whoever
    runs the dashboard finds the command that loads it (no command on a reader's page)."""
    link = dcc.Link(t(lang, "notice.sources_link"), href=href("/sources", lang=lang) + "#loading",
                    className="sources-link")
    return html.Div([message, " ", link], className=f"notice notice-{kind}", role="status")


def indicator_source_line(db: Database, source: str, lang: str, *, series: str | None = None,
                          vintage: str | None = None) -> str:
    """The citation of the file a chart is drawn from, in the page's language, licence once:
    the newest file of `source`, or of one `series` (a World Bank indicator code), or the file
    of one `vintage` (a release the page lets the reader choose)."""
    like = f"%{series}%" if series else None
    cited = (citations.rows(db, source, vintages=[vintage], like=like) if vintage else []) or \
        citations.newest(db, source, like=like) or citations.newest(db, source)
    return citations.source_line(cited, lang) or source


def parse_choice(value: object, allowed: list) -> object | None:
    """`value` if it is one of `allowed` (compared as text, as URLs carry it), else None."""
    by_text = {str(a): a for a in allowed}
    return by_text.get(str(value)) if isinstance(value, str | int) and not isinstance(value, bool) else None
