"""A chart review, as an editor would do it before a meeting (issue 22): every page, in the four
languages, on a 1366 px screen and a 390 px phone.

For every plotly chart on the page: title, legend entries, axis titles and annotations (the
source line) never overlap one another; no text runs past the chart; tick labels of one axis
never overlap and a year or value axis carries a readable number of them; each named subregion
(and each country the pages single out) keeps one colour on every page. For the page's words:
no developer command (`migdash etl`) outside the Sources page's operator details, and no known
English fragment on a Spanish, French or Portuguese page.

One server, one Chromium: pages and languages change through Dash's router, the width through
Chrome's device metrics (no reload); each view's geometry comes back from one JavaScript call
and every check runs in Python, so a failure names the page, language, width, chart and texts.
The suite's walk reads each page in two languages, one per width (see walk(): ~45 s for every
page); MIGDASH_REVIEW_FULL=1 reads every page in the four languages at both widths.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import dash
import duckdb

from readside import style
from readside.text import LANGUAGES
from tests.browser.helpers import navigate, settle

WIDTHS = (1366, 390)
TOLERANCE = 1.5  # px: anti-aliasing and rounding of SVG text boxes
# Ticks on a numeric axis (years, values): more than this is a wall of digits.
MAX_TICKS = {1366: 14, 390: 8}
# Fragments seen on translated pages (issue 22): words a delegate could not paste.
ENGLISH_FRAGMENTS = (
    "Last updated", "last update", "Staff estimates", "Table migration.txt of", "R package", "partial year",
    "Year (", "Source:", "Sources:", "December", "mid-year", "end-year", "as of 20", "data to 20",
    "Refugee Data Finder download", "Other people in need", "Asylum-seekers", "Current US$", "UN DESA",
    "World Bank", "World Population Prospects", "Bilateral Migration Matrix", "United Nations, Department",
    "csv download", "json feed", "xlsx export", "export,", "Missing Migrants Project",
)
# Any tick label ending in an English/SI magnitude letter ("60B", "2G") on a non-English page.
ENGLISH_TICK = re.compile(r"\d[BGkMT]$")  # plotly's own SI suffixes; Babel's short forms have a space
COMMAND = re.compile(r"migdash\s+(etl|snapshot|serve)")

GEOMETRY = r"""
const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
const colour = t => {
  if (t.type === 'scatter' && t.fill && t.fill !== 'none') return t.fillcolor;
  if (t.type === 'scatter') return (t.mode || '').includes('lines') ? t.line && t.line.color : t.marker && t.marker.color;
  if (t.type === 'bar') return t.marker && t.marker.color;
  return null;
};
return [...document.querySelectorAll('.js-plotly-plot')].filter(shown).map(gd => {
  const q = s => [...gd.querySelectorAll(s)].filter(shown).map(e => [e.textContent, box(e)]);
  const layout = gd._fullLayout || {};
  const axes = Object.keys(layout).filter(k => /^[xy]axis\d*$/.test(k)).map(k => ({
    name: k, type: layout[k].type, visible: layout[k].visible !== false,
    ticks: [...gd.querySelectorAll('.' + k.replace('axis', '') + 'tick text')].filter(shown).map(e => [e.textContent, box(e)]),
  }));
  const sankey = (gd._fullData || []).filter(t => t.type === 'sankey').map(t => ({
    labels: t.node.label, colours: t.node.color, links: Array.isArray(t.link.color) ? t.link.color : [t.link.color]}));
  return {
    id: (gd.closest('[id]') || {}).id || '',
    box: box(gd.querySelector('.main-svg') || gd),
    title: q('.g-gtitle text'),
    legend: q('.legend .traces'),
    axis_titles: q('g[class^="g-x"][class$="title"] text, g[class^="g-y"][class$="title"] text'),
    annotations: q('.annotation-text-g'),
    colorbars: q('.colorbar'),
    geos: Object.keys(layout).filter(k => /^geo\d*$/.test(k) && layout[k]._subplot && layout[k]._subplot.bgRect)
      .map(k => [k, box(layout[k]._subplot.bgRect.node())]),
    axes: axes,
    traces: (gd._fullData || []).filter(t => t.visible === true).map(t => ({name: t.name, type: t.type, colour: colour(t)})),
    sankey: sankey,
  };
});
"""
# The page's words with every "numbers behind the chart" opened; quotations in another language
# (a claim quoted from an English document) keep theirs and are left out. Then the page's width
# with every <details> open, the operator's too: at 390 px nothing may make the page scroll
# sideways (this is the suite's phone walk: every page is read once at 390 px).
PAGE_TEXT = r"""
document.querySelectorAll('main details:not(.operator-details)').forEach(d => { d.open = true; });
const main = document.querySelector('main');
if (!main) return ['', 0];
let text = main.innerText;
main.querySelectorAll('blockquote, [lang]').forEach(el => {
  if (el.lang !== main.lang && el.innerText) text = text.split(el.innerText).join(' ');
});
main.querySelectorAll('details').forEach(d => { d.open = true; });
return [text, document.documentElement.scrollWidth];
"""
def page_paths() -> list[str]:
    return [page["path"] for page in dash.page_registry.values() if page["path"] != "/404"]


def watched_names(db_path) -> dict[str, dict[str, int]]:
    """lang -> {name of a subregion or singled-out country: code}: the entities whose colour
    must not change from chart to chart."""
    codes = [904, 905, 915, 916, 931, *style.COUNTRY_COLOURS]
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("SELECT code, name_en, name_es, name_fr, name_pt FROM area WHERE list_contains(?, code)",
                           [codes]).fetchall()
    return {lang: {row[1 + i]: row[0] for row in rows} for i, lang in enumerate(LANGUAGES)}


def set_width(driver, width: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})


def settled_geometry(duo) -> list[dict]:
    """The charts' geometry once the page has stopped moving: no callback in flight, every graph
    drawn, plotly's resize and chart_fit.js's re-layout done (the DOM still for 250 ms)."""
    settle(duo)
    return duo.driver.execute_script(GEOMETRY)


def overlap(a: list[float], b: list[float]) -> bool:
    return (min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE) and (min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE)


def inside(inner: list[float], outer: list[float]) -> bool:
    return (inner[0] >= outer[0] - TOLERANCE and inner[1] >= outer[1] - TOLERANCE
            and inner[2] <= outer[2] + TOLERANCE and inner[3] <= outer[3] + TOLERANCE)


def short(text: str) -> str:
    return (text[:40] + "…") if len(text) > 40 else text


def chart_problems(chart: dict, width: int) -> list[str]:
    """Overlaps, text past the chart's edges, crowded or colliding tick labels."""
    problems = []
    labelled = ([("title", *t) for t in chart["title"]] + [("legend", *t) for t in chart["legend"]]
                + [("axis title", *t) for t in chart["axis_titles"]] + [("annotation", *t) for t in chart["annotations"]]
                + [("colour bar", "", b) for _, b in chart["colorbars"]])
    for (kind_a, text_a, box_a), (kind_b, text_b, box_b) in combinations(labelled, 2):
        if kind_a == kind_b == "legend" or kind_a == kind_b == "title":
            continue  # plotly lays out its own legend entries and title lines
        if overlap(box_a, box_b):
            problems.append(f"{kind_a} '{short(text_a)}' overlaps {kind_b} '{short(text_b)}'")
    geos = dict(chart["geos"])
    if "geo" in geos:  # a map: its legend, classes and inset beside the map, never over it
        covering = [(k, t, b) for k, t, b in labelled if k in ("legend", "colour bar", "title", "annotation")]
        covering += [("inset", name, box) for name, box in geos.items() if name != "geo"]
        problems += [f"{kind} '{short(text)}' covers the map ({[round(v) for v in box]} over {[round(v) for v in geos['geo']]})" for kind, text, box in covering
                     if overlap(box, geos["geo"])]
    for kind, text, box in labelled + [("tick", t, b) for axis in chart["axes"] for t, b in axis["ticks"]]:
        if not inside(box, chart["box"]):
            problems.append(f"{kind} '{short(text)}' runs past the chart ({[round(v) for v in box]} "
                            f"outside {[round(v) for v in chart['box']]})")
    for axis in chart["axes"]:
        ticks = [t for t in axis["ticks"] if t[0].strip()]
        if axis["type"] in ("linear", "log", "date") and len(ticks) > MAX_TICKS[width]:
            problems.append(f"{axis['name']} has {len(ticks)} tick labels (at most {MAX_TICKS[width]})")
        for (text_a, box_a), (text_b, box_b) in combinations(ticks, 2):
            if overlap(box_a, box_b):
                problems.append(f"{axis['name']} tick labels '{text_a}' and '{text_b}' overlap")
                break
    return problems


def colours_of(chart: dict, names: dict[str, int]) -> list[tuple[int, str, str]]:
    """(code, name, colour) of every trace or Sankey node named after a watched entity."""
    found = [(names[t["name"]], t["name"], t["colour"]) for t in chart["traces"]
             if t["name"] in names and isinstance(t["colour"], str)]
    for sankey in chart["sankey"]:
        colours = sankey["colours"] if isinstance(sankey["colours"], list) else [sankey["colours"]] * len(sankey["labels"])
        found += [(names[label], label, colour) for label, colour in zip(sankey["labels"], colours, strict=False)
                  if label in names and isinstance(colour, str)]
    return found


def normal_colour(value: str) -> str:
    """'#E69F00', 'rgb(230, 159, 0)', 'rgba(230,159,0,0.5)' -> '#e69f00' (opacity ignored)."""
    value = value.strip().lower()
    match = re.match(r"rgba?\((\d+),\s*(\d+),\s*(\d+)", value)
    return "#{:02x}{:02x}{:02x}".format(*map(int, match.groups())) if match else value


def text_problems(text: str, path: str, lang: str) -> list[str]:
    problems = []
    if COMMAND.search(text):
        problems.append(f"developer command on the page: '{COMMAND.search(text).group(0)}'")
    if lang != "en":
        problems += [f"English fragment '{f}'" for f in ENGLISH_FRAGMENTS if f in text]
    return problems


def walk(paths: list[str]) -> list[tuple[str, str, int]]:
    """(path, language, width) of every view the review draws. The suite's walk costs two views
    a page (about 1.2 s each): page i at 1366 px in one language and at 390 px in the language
    two places on, so every page is read in two languages (one of en/fr and one of es/pt),
    every language at both widths across the pages; a page without a chart is read in its
    translated language, and at 390 px. MIGDASH_REVIEW_FULL=1 walks every page in
    every language at both widths (8 views a page, about three minutes), e.g. after a change of
    translations or of chart_fit.js. MIGDASH_REVIEW_PATHS=/flows,/map narrows the walk to some
    pages while fixing them."""
    if os.environ.get("MIGDASH_REVIEW_PATHS"):
        paths = [p for p in paths if p in os.environ["MIGDASH_REVIEW_PATHS"].split(",")]
    views = []
    for i, path in enumerate(paths):
        if os.environ.get("MIGDASH_REVIEW_FULL"):
            pairs = [(lang, w) for lang in LANGUAGES for w in WIDTHS]
        else:
            pairs = [(LANGUAGES[i % len(LANGUAGES)], WIDTHS[0]), (LANGUAGES[(i + 2) % len(LANGUAGES)], WIDTHS[1])]
            if pairs[0][0] == "en":  # the translated page first: a page without a chart is read once
                pairs.reverse()
        views += [(path, lang, w) for lang, w in pairs]
    return views


def test_every_chart_on_every_page_reads_well_in_four_languages_on_a_screen_and_a_phone(duo, built_db):
    driver = duo.driver
    names = watched_names(built_db)
    problems: list[str] = []
    # colours by area code: a subregion keeps its colour from page to page and language to language
    colours: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    views = walk(page_paths())
    assert {lang for _, lang, _ in views} == set(LANGUAGES) or os.environ.get("MIGDASH_REVIEW_PATHS")
    width, chartless = None, set()
    driver.get(f"{duo.server_url}/?lang=en")
    for path, lang, w in views:
        if path in chartless and w != WIDTHS[1] and not os.environ.get("MIGDASH_REVIEW_FULL"):
            continue  # no chart on this page: its translated words are read; its phone width still is
        if w != width:
            set_width(driver, w)
            width = w
        navigate(duo, f"{path}?lang={lang}")
        where = f"{path}?lang={lang} at {w}px"
        charts = settled_geometry(duo)
        if not charts:
            chartless.add(path)
        for chart in charts:
            problems += [f"{where}, chart #{chart['id']}: {p}" for p in chart_problems(chart, w)]
            if lang != "en":
                problems += [f"{where}, chart #{chart['id']}: English tick '{text}'"
                             for axis in chart["axes"] for text, _ in axis["ticks"]
                             if ENGLISH_TICK.search(text.replace("\u00a0", " "))]
            for code, _name, colour in colours_of(chart, names[lang]):
                colours[code][normal_colour(colour)].add(f"{path}?lang={lang} #{chart['id']}")
        # the words (with every table opened), and at 390 px: nothing makes the page scroll sideways
        text, scroll_width = driver.execute_script(PAGE_TEXT)
        problems += [f"{where}: {p}" for p in text_problems(text, path, lang)]
        if scroll_width > w:
            problems.append(f"{where}: the page scrolls sideways ({scroll_width} px wide)")
    for code, seen in sorted(colours.items()):
        if len(seen) > 1:
            problems.append(f"area {code} is drawn in {len(seen)} colours: "
                            + "; ".join(f"{c} on {sorted(where)[:3]}" for c, where in sorted(seen.items())))
    # from page to page through Dash's router, in four languages and two widths: no console error
    problems += [f"console: {entry.get('message', entry)}" for entry in duo.get_logs() or []]
    if os.environ.get("MIGDASH_REVIEW_REPORT"):  # every finding, for whoever fixes them
        Path(os.environ["MIGDASH_REVIEW_REPORT"]).write_text("\n".join(problems) + "\n", encoding="utf-8")
    assert not problems, f"{len(problems)} problems in the chart review:\n" + "\n".join(problems[:80])
