"""The Help guides: every guide in the four languages with the same sections, written in its own
language, with its screenshots; every chart links to a section that exists; the figures the
guides quote are the data's (in each language's own number format); the Help page renders."""

from __future__ import annotations

import re
from pathlib import Path

import dash
import duckdb
import pytest
from PIL import Image

from dashboard import help_links
from dashboard.app import create_app
from readside import guides
from readside.scan.language import detect
from readside.text import LANGUAGES, decimal
from tests.test_page_layouts import text_of

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "dashboard" / "assets" / "help"
SCREENSHOT_BUDGET = 1_500_000  # bytes, every language together
# Where the charts are declared: chart_block/numbers_behind (components), and the graph helpers
# of the grouping profile and the country flows.
GRAPH_CALL = re.compile(r"\b(?:chart_block|numbers_behind|_graph|chart)\(\s*f?\"([a-z0-9{}_-]+)\"")
COUNTRY_PANELS = ("worldbank", "unhcr", "wpp")  # country.py draws f"country-{source}" for these


def all_sections(lang: str) -> dict[str, guides.Section]:
    return {s.anchor: s for g in guides.guides(lang) for s in g.sections}


def whole_text(guide: guides.Guide) -> str:
    return "\n".join([guide.title, guide.intro, *(f"{s.title}\n{s.body}" for s in guide.sections)])


@pytest.mark.parametrize("key", guides.GUIDES)
def test_every_guide_exists_in_every_language_with_the_same_sections(key):
    english = guides.guide("en", key)
    assert english.title and len(english.sections) >= 3
    for lang in LANGUAGES:
        guide = guides.guide(lang, key)
        assert guide.anchors == english.anchors, (lang, key)
        assert all(s.title and s.body for s in guide.sections), (lang, key)
        assert guide.title != english.title or lang == "en", (lang, key)
        assert len(whole_text(guide).split()) < 850, f"{lang}/{key}.md is longer than a page"


def test_section_anchors_are_unique_on_the_page_and_differ_from_the_guides_and_page_ids():
    anchors = [a for g in guides.guides("en") for a in g.anchors]
    assert len(anchors) == len(set(anchors))
    assert not set(anchors) & set(guides.GUIDES)
    assert not set(anchors) & {"help-contents", "help-page", "main"}


def test_a_guide_without_anchors_is_refused():
    with pytest.raises(guides.GuideError):
        guides.parse("# Title\n\n## A heading\n\ntext", "x", "en")
    with pytest.raises(guides.GuideError):
        guides.parse("No title\n", "x", "en")
    parsed = guides.parse("# T\n\nIntro.\n\n## One {#one}\n\nBody [p](/data) ![s](help:data)\n", "x", "en")
    assert parsed.intro == "Intro." and parsed.anchors == ("one",)
    assert guides.app_links(parsed.sections[0].body) == ["/data"]
    assert guides.screenshots(parsed.sections[0].body) == ["data"]


def paragraphs(markdown: str) -> list[str]:
    """Running text of a guide: no table rows (publishers' titles are quoted as published), no code."""
    blocks = [b for b in re.split(r"\n\s*\n", markdown) if not b.lstrip().startswith(("|", "!["))]
    text = [re.sub(r"`[^`]*`|\]\([^)]*\)|https?://\S+", " ", b) for b in blocks]
    return [t for t in text if len(re.sub(r"[^\w]|\d", "", t)) > 40]


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_paragraph_of_a_guide_is_in_the_guides_language(lang):
    for key in guides.GUIDES:
        guide = guides.guide(lang, key)
        for paragraph in paragraphs(whole_text(guide)):
            assert detect(paragraph, "en").lang == lang, (key, paragraph[:80])
    spanish = " ".join(whole_text(g) for g in guides.guides("es"))
    assert "billón" not in spanish and "billones" not in spanish  # 10^12 in Spanish, never 10^9


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_screenshot_a_guide_shows_exists_as_a_small_palette_png(lang):
    for guide in guides.guides(lang):
        for name in guides.screenshots(whole_text(guide)):
            path = SHOTS / lang / f"{name}.png"
            assert path.is_file(), f"{path} missing: run python -m tests.browser.help_screenshots --lang {lang}"
            with Image.open(path) as image:
                assert image.mode == "P" and 700 <= image.width <= 1300 and image.height <= 700, path


def test_the_screenshots_stay_within_their_budget():
    total = sum(p.stat().st_size for p in SHOTS.rglob("*.png"))
    assert total < SCREENSHOT_BUDGET, f"{total:,} bytes of Help screenshots"


def chart_ids() -> set[str]:
    found = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        for graph_id in GRAPH_CALL.findall(path.read_text(encoding="utf-8")):
            if graph_id == "{graph_id}" or graph_id.startswith("{"):
                continue
            found |= {graph_id.replace("{source}", s) for s in COUNTRY_PANELS} if "{source}" in graph_id else {graph_id}
    return found - {"graph_id"}


def test_every_chart_links_to_a_help_section_that_exists():
    charts = chart_ids()
    assert {"overview-trend", "rem-trend", "ref-origins", "country-unhcr", "country-group-remittances",
            "country-idmc", "map-graph", "flows-incidents"} <= charts
    anchors = set(all_sections("en"))
    for graph_id in charts:
        assert help_links.section_for(graph_id) in anchors, graph_id
    assert set(help_links.CHART_SECTIONS.values()) | {help_links.DEFAULT_SECTION} <= anchors


# ---- the figures the guides quote are the data's --------------------------------------------

def guide_figures(db: Path) -> dict[str, list]:
    """Each figure a guide quotes, from the database by an independent query, with the number of
    decimals the guides write it with: (value, decimals, kind)."""
    with duckdb.connect(str(db), read_only=True) as con:
        def one(sql: str, *params) -> float:
            return con.execute(sql, list(params)).fetchone()[0]

        stock = ("SELECT sum(migrants) FROM stock WHERE revision = ? AND year = ? AND sex = 'total' "
                 "AND origin_code = 900 AND destination_code IN ({})")
        oas = "SELECT member_code FROM area_group WHERE grouping = 'oas' AND roster"
        lac = ("SELECT value FROM indicator_vintages WHERE series = 'BX.TRF.PWKR.CD.DT' AND area_code = 904 "
               "AND year = 2016 AND revision = ?")
        return {
            "world 2020, 2020 edition": [one(stock.format("900"), 2020, 2020), 1, "people"],
            "world 2020, 2024 edition": [one(stock.format("900"), 2024, 2020), 1, "people"],
            "Americas 2024": [one(stock.format("904, 905"), 2024, 2024), 1, "people"],
            "OAS members 2024": [one(stock.format(oas), 2024, 2024), 1, "people"],
            "Colombia 2024": [one(stock.format("170"), 2024, 2024), 2, "people"],
            "Colombia hosted 2024": [one("SELECT sum(value) FROM indicator WHERE area_code = 170 AND year = 2024 "
                                         "AND series IN ('unhcr.refugees.asylum', 'unhcr.asylum_seekers.asylum', "
                                         "'unhcr.oip.asylum')"), 2, "people"],
            "LAC remittances 2016, 2023-10-26": [one(lac, "2023-10-26"), 1, "money"],
            "LAC remittances 2016, 2025-07-01": [one(lac, "2025-07-01"), 1, "money"],
            "members reporting 2024": [one("SELECT count(*) FROM indicator_vintages WHERE series = 'BX.TRF.PWKR.CD.DT' "
                                           "AND revision = '2025-07-01' AND year = 2024 AND area_code IN "
                                           "(SELECT member_code FROM area_group WHERE grouping = 'oas' AND roster)"),
                                       0, "count"],
        }


def written(value: float, decimals: int, kind: str, lang: str) -> str:
    """The numeral as the guides write it: millions of people, billions of US$, or a count."""
    scale = {"people": 1e6, "money": 1e9, "count": 1}[kind]
    return decimal(value / scale, lang, decimals)


def test_the_figures_the_guides_quote_are_the_datas_in_every_language(built_db):
    figures = guide_figures(built_db)
    assert figures["members reporting 2024"][0] < 35
    for lang in LANGUAGES:
        text = whole_text(guides.guide(lang, "reading")).replace("\u00a0", " ")
        for label, (value, decimals, kind) in figures.items():
            assert written(value, decimals, kind, lang) in text, (lang, label, written(value, decimals, kind, lang))


# ---- the page ------------------------------------------------------------------------------

def help_layout(app, lang: str):
    page = next(p for p in dash.page_registry.values() if p["path"] == help_links.HELP_PATH)
    with app.server.test_request_context(help_links.HELP_PATH):
        return page["layout"](lang=lang)


def ids_of(component) -> set[str]:
    found = {component.id} if isinstance(getattr(component, "id", None), str) else set()
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found |= ids_of(child)
    return found


def markdown_of(component) -> list[str]:
    found = [component.children] if isinstance(component, dash.dcc.Markdown) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found += markdown_of(child)
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_help_page_shows_every_guide_with_links_in_the_readers_language(tmp_path, lang):
    app = create_app(tmp_path / "absent.duckdb")  # Help reads no database
    page = help_layout(app, lang)
    ids = ids_of(page)
    assert set(guides.GUIDES) <= ids and set(all_sections(lang)) <= ids and "help-page" in ids
    assert guides.guide(lang, "reading").title in text_of(page)
    bodies = "\n".join(markdown_of(page))
    targets = re.findall(r"\]\(([^)\s]+)\)", bodies)
    app_targets = [t for t in targets if t.startswith("/") and not t.startswith("/assets/")]
    assert app_targets and all(f"lang={lang}" in t for t in app_targets)
    images = [t for t in targets if t.startswith("/assets/")]
    assert images and all(f"/assets/help/{lang}/" in t for t in images)
    assert "help:" not in bodies


def test_a_charts_help_link_opens_its_section_in_the_readers_language(tmp_path):
    app = create_app(tmp_path / "absent.duckdb")
    with app.server.test_request_context("/"):
        link = help_links.help_link("rem-trend", "pt")
    assert link.href == "/help?lang=pt#revisions-and-vintages"
    assert link.children == "O que estes números medem"
