"""Briefs and talking points (issue 13): every OAS member state's brief builds in the four
languages and is one self-contained file; the numbers are the database's; every theme of the
work plan has a brief; PDFs print; the CLI and the download route validate what they are given."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
import yaml
from markupsafe import escape

from migdash.cli import main
from readside import citations
from readside.documents import layout, measures, subjects, values
from readside.documents.points import talking_points
from readside.documents.render import html_to_pdf, render_html
from readside.documents.subjects import BriefError, Subject, parse_subject
from readside.queries import Database
from readside.text import LANGUAGES, t

CHROMIUM = Path("/usr/bin/chromium")
REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def db(built_db) -> Database:
    return Database(built_db)


@pytest.fixture(scope="module")
def members(db) -> list[int]:
    return subjects.oas_members(db)


@pytest.fixture(scope="module")
def frames(db) -> measures.Frames:
    """The area metrics of every country, loaded once for the many briefs below."""
    return measures.member_frames(db)


def one(db_path, sql: str, params: list):
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params).fetchall()


class Fetches(HTMLParser):
    """Everything in an HTML document that would make a browser fetch or run something."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "link", "iframe", "object", "embed", "img", "base"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "action", "srcset", "poster", "data"} and value and \
                    not value.startswith("#"):
                self.found.append(f"{tag} {name}={value}")
            if name == "style" and value and re.search(r"url\(\s*['\"]?(?!#)", value):  # url(#hatch) is in the file
                self.found.append(f"{tag} style url()")
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style and ("@import" in data or re.search(r"url\(\s*['\"]?(?!#)", data)):
            self.found.append("style fetch")


def fetches(html: str) -> list[str]:
    parser = Fetches()
    parser.feed(html)
    # url(#clip) inside the SVG charts points into the document itself
    return parser.found + [m for m in re.findall(r"url\(\s*['\"]?([^)#'\"][^)]*)\)", html)]


def test_every_member_state_has_five_to_eight_sourced_points_in_every_language(db, members, frames):
    assert len(members) == 35
    for lang in LANGUAGES:
        prefix = t(lang, "briefs.citation", citation="")
        for code in members:
            points = talking_points(db, Subject("area", str(code)), lang, frames)
            assert 5 <= len(points) <= 8, (code, lang, [p.key for p in points])
            for point in points:
                assert point.citation.startswith(prefix) and len(point.citation) > len(prefix) + 10
                assert point.shown in point.sentence
                assert point.rank is None or 1 <= point.rank <= point.of <= 35
                if point.rank:  # a member state's figure is ranked, in the reader's language
                    assert t(lang, "briefs.rank", rank=point.rank, of=point.of) in point.sentence
                if lang == "es":
                    assert "billón" not in point.sentence and "billones" not in point.sentence


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_brief_of_every_member_state_builds_and_is_self_contained(db, members, frames, lang):
    """Every member state's brief is built, each in one of the four languages in turn (a brief's
    structure is the same in every language; the talking points of every member in every
    language are checked above, and three members' briefs in all four below)."""
    for code in members[LANGUAGES.index(lang)::len(LANGUAGES)]:
        content = layout.brief(db, Subject("area", str(code)), lang, frames=frames)
        html = render_html(content)
        assert fetches(html) == [], code
        assert 3 <= html.count("<svg") <= 4, code
        assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html
        for point in content.points:
            assert str(escape(point.sentence)) in html
        assert str(escape(t(lang, "briefs.caveat.unhcr"))) in html


@pytest.mark.parametrize("code", [484, 862, 28])  # Mexico, Venezuela, Antigua and Barbuda
def test_html_brief_in_the_four_languages(db, code):
    for lang in LANGUAGES:
        html = render_html(layout.brief(db, Subject("area", str(code)), lang))
        assert fetches(html) == [] and f'<html lang="{lang}">' in html
        assert str(escape(t(lang, "briefs.html.talking_points"))) in html and str(escape(t(lang, "briefs.html.caveats"))) in html
        name = subjects.names(db, [code], lang)[code]
        assert str(escape(t(lang, "briefs.heading.area", name=name))) in html


def test_mexico_stock_point_is_the_database_figure_with_its_rank_and_change(db, built_db, members, frames):
    point = next(p for p in talking_points(db, Subject("area", "484"), "en") if p.key == "stock")
    assert talking_points(db, Subject("area", "484"), "en", frames) == talking_points(db, Subject("area", "484"), "en")
    revision, year = one(built_db, "SELECT max(revision), max(year) FROM stock WHERE revision = "
                                   "(SELECT max(revision) FROM stock)", [])[0]
    rows = one(built_db, "SELECT destination_code, migrants, rank() OVER (ORDER BY migrants DESC) FROM stock "
                         "WHERE revision = ? AND year = ? AND sex = 'total' AND origin_code = 900 "
                         "AND destination_code IN (SELECT unnest(?))", [revision, year, members])
    mexico = next(r for r in rows if r[0] == 484)
    (base,), = one(built_db, "SELECT migrants FROM stock WHERE revision = ? AND year = 2000 AND sex = 'total' "
                             "AND origin_code = 900 AND destination_code = 484", [revision])
    assert (point.value, point.year, point.rank, point.of) == (mexico[1], year, mexico[2], len(rows))
    assert point.base_year == 2000 and point.change == pytest.approx(100 * (mexico[1] - base) / base)
    assert f"International Migrant Stock {revision}" in point.citation


def test_remittance_point_is_the_newest_world_bank_vintage(db, built_db):
    point = next(p for p in talking_points(db, Subject("area", "484"), "es") if p.key == "remittances")
    (vintage, year, value), = one(
        built_db, "SELECT revision, year, value FROM indicator_vintages WHERE newest AND series = ? "
                  "AND area_code = 484 ORDER BY year DESC LIMIT 1", [values.RECEIVED])
    assert (point.vintage, point.year, point.value) == (vintage, year, value)
    assert "mil millones" in point.sentence and citations.date(vintage, "es") in point.citation
    assert point.citation.count("CC BY 4.0") == 1 and "Last updated" not in point.citation


def test_a_brief_for_every_meeting_of_the_work_plan(db):
    assert set(subjects.themes()) >= {"sids", "special-situations", "remittances", "data-and-statistics", "overview",
                                     "covid-19", "climate-change"}
    for key in subjects.themes():
        for lang in ("en", "es"):
            content = layout.brief(db, Subject("theme", key), lang)
            html = render_html(content)
            assert fetches(html) == [], key
            assert content.points and content.charts, key
            assert t(lang, f"briefs.theme.{key}") in content.heading
    data = layout.brief(db, Subject("theme", "data-and-statistics"), "en")
    assert data.matrix_rows and any(p.key.startswith("revised_") for p in data.points)


def test_the_sids_are_the_oas_members_on_the_uns_list(db):
    listed = yaml.safe_load(subjects.THEMES_FILE.read_text(encoding="utf-8"))["oas_member_sids"]
    assert sorted(subjects.oas_sids(db)) == subjects.codes_of_iso3(db, listed)


def test_a_theme_without_its_source_says_in_words_what_it_leaves_out(bare_db):
    content = layout.brief(Database(bare_db), Subject("theme", "special-situations"), "en")
    said = t("en", "briefs.missing", what=t("en", "briefs.source.unhcr"))
    assert said in content.missing and said in render_html(content)
    assert "migdash etl" not in render_html(content)


def test_groupings_are_sums_said_so(db):
    points = talking_points(db, Subject("group", "caricom"), "en")
    assert points and all("sum of the figures of" in p.sentence for p in points)


@pytest.mark.parametrize(("kwargs", "key"), [
    ({"area": "99999"}, "briefs.error.area"), ({"area": "'; DROP TABLE area"}, "briefs.error.area"),
    ({"group": "nato"}, "briefs.error.group"), ({"theme": "../etc"}, "briefs.error.theme"),
    ({"area": "484", "theme": "sids"}, "briefs.error.one_subject"), ({}, "briefs.error.one_subject"),
])
def test_unknown_subjects_are_refused(db, kwargs, key):
    with pytest.raises(BriefError) as caught:
        parse_subject(db, **kwargs)
    assert caught.value.key == key


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium (make browser-deps)")
@pytest.mark.parametrize(("code", "lang"), [(484, "es"), (28, "fr")])
def test_pdf_brief_prints(db, code, lang, tmp_path):
    pdf = html_to_pdf(render_html(layout.brief(db, Subject("area", str(code)), lang)))
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    if shutil.which("pdftotext"):
        path = tmp_path / "brief.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        name = subjects.names(db, [code], lang)[code]
        assert name in text and t(lang, "briefs.html.talking_points") in text


def test_cli_writes_a_brief_and_refuses_an_unknown_area(built_db, tmp_path, capsys):
    out = tmp_path / "mexico.html"
    assert main(["brief", "--area", "484", "--lang", "es", "--format", "html", "--out", str(out),
                 "--db", str(built_db)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "México" in html and fetches(html) == []
    assert main(["brief", "--area", "1234567", "--db", str(built_db), "--out", str(tmp_path / "x.html")]) == 2
    assert "1234567" in capsys.readouterr().err


def test_download_route(built_db):
    from dashboard.app import create_app

    client = create_app(built_db).server.test_client()
    reply = client.get("/brief/html?area=484&lang=pt")
    assert reply.status_code == 200 and reply.mimetype == "text/html"
    assert 'filename="migdash-brief-area-484-pt.html"' in reply.headers["Content-Disposition"]
    assert "México" in reply.get_data(as_text=True)
    assert client.get("/brief/html?area=484&lang=pt").get_data() == reply.get_data()  # served from the cache
    assert client.get("/brief/html?area=<script>").status_code == 400
    assert client.get("/brief/html?theme=sids&group=oas").status_code == 400
    assert client.get("/brief/exe?area=484").status_code == 404
