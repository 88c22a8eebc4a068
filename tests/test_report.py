"""The regional report (issue 24): written once per test session in each language (HTML for
all four, the PDF in Spanish, whose two prints are the slow part), then read as a delegate would:
the PDF's text page by page (pypdf), its contents against the pages they point to, every member
state's page in the reader's language, headline figures against the database by independent
SQL, no English left in the other languages, fonts embedded, no remote asset, no page left
mostly blank, numbered figures and tables each with a source line."""

from __future__ import annotations

import fcntl
import re
import shutil
import string
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pypdf
import pytest

from migdash.cli import main
from readside.documents.report_render import prepare
from readside.documents.subjects import names, oas_members
from readside.queries import Database
from readside.text import LANGUAGES, decimal, money, people, strings, t
from tests.db_copies import copy_without
from tests.test_briefs import fetches

CHROMIUM = Path("/usr/bin/chromium")
PDF_LANG = "es"
SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


def flat(text: str) -> str:
    """Text with every kind of space and line break as one space (pdf lines break anywhere)."""
    return SPACES.sub(" ", text).strip()


@pytest.fixture(scope="session")
def reports(built_db, tmp_path_factory, worker_id) -> Path:
    """The report in every language, written once per session (under xdist, once for all
    workers: the first writes, the others wait on a lock and read). English goes through the
    command line; the Spanish PDF reuses its HTML's drawn charts."""
    root = tmp_path_factory.getbasetemp()
    root = root.parent if worker_id != "master" else root
    folder = root / "migdash-reports"
    with open(root / "migdash-reports.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            assert main(["report", "--lang", "en", "--format", "html", "--db", str(built_db),
                         "--out", str(folder / "report-en.html")]) == 0
            from readside.documents.memo import memo
            from readside.documents.report import report
            from readside.documents.report_render import html, pdf

            answers = memo(Database(built_db))  # one build's answers, asked once for the three languages
            for lang in ("es", "fr", "pt"):
                prepared = prepare(report(answers, lang))
                (folder / f"report-{lang}.html").write_text(html(prepared), encoding="utf-8")
                if lang == PDF_LANG and CHROMIUM.exists():
                    (folder / f"report-{lang}.pdf").write_bytes(pdf(prepared))
            (folder / "done").write_text("ok")
    return folder


@pytest.fixture(scope="module")
def db(built_db) -> Database:
    return Database(built_db)


@pytest.fixture(scope="module")
def pdf_pages(reports) -> list[str]:
    path = reports / f"report-{PDF_LANG}.pdf"
    if not path.exists():
        pytest.skip("needs Debian's /usr/bin/chromium (make browser-deps) to print the PDF")
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def sql(db_path, query: str, params: list | None = None):
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


class Visible(HTMLParser):
    """The words a reader sees, without the publishers' own citations (quoted as published,
    in English) and without the style sheet."""

    SKIP_CLASSES = {"cite", "sources"}

    def __init__(self):
        super().__init__()
        self.skipping: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if self.skipping or tag in {"style", "title"} or classes & self.SKIP_CLASSES:
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return flat(" ".join(parser.parts))


# ---------------------------------------------------------------- the PDF


def test_pdf_has_forty_pages_or_more_and_its_contents_point_to_the_right_pages(pdf_pages):
    assert len(pdf_pages) >= 40
    contents = flat(pdf_pages[1])
    assert t(PDF_LANG, "documents.report.contents") in contents
    titles = [t(PDF_LANG, "documents.report.summary"), t(PDF_LANG, "documents.report.annex"),
              t(PDF_LANG, "documents.report.sources")]
    titles += [t(PDF_LANG, "documents.report.chapter_heading", number=n, title=t(PDF_LANG, f"documents.ch{n}.title"))
               for n in range(1, 8)]
    for title in titles:
        found = re.search(re.escape(flat(title)) + r" (\d+)", contents)
        assert found, title
        page = int(found.group(1))
        assert flat(title) in flat(pdf_pages[page - 1]), (title, page)
    assert f"{len(pdf_pages)} / {len(pdf_pages)}" in flat(pdf_pages[-1])  # page numbers in the footer


def test_every_member_state_has_its_own_page_in_spanish(pdf_pages, db):
    members = oas_members(db)
    assert len(members) == 35
    labels = names(db, members, PDF_LANG)
    heading = flat(t(PDF_LANG, "documents.annex.key_figures", name="X")).replace("X", "")
    country_pages = [i for i, text in enumerate(pdf_pages) if heading in flat(text)]
    assert len(country_pages) == 35  # one page each, with the same layout
    captions = {name: flat(t(PDF_LANG, "documents.annex.key_figures", name=name)) for name in labels.values()}
    for page in country_pages:  # each page is one member's, each member (named in Spanish) has one
        assert sum(caption in flat(pdf_pages[page]) for caption in captions.values()) == 1, page
    for name, caption in captions.items():
        assert sum(caption in flat(pdf_pages[page]) for page in country_pages) == 1, name


def test_headline_figures_are_the_databases(pdf_pages, built_db):
    (revision,), = sql(built_db, "SELECT max(revision) FROM stock")
    (year,), = sql(built_db, "SELECT max(year) FROM stock WHERE revision = ?", [revision])
    (americas,), = sql(built_db, "SELECT sum(migrants) FROM stock WHERE revision = ? AND year = ? AND sex = 'total' "
                                 "AND origin_code = 900 AND destination_code IN (904, 905)", [revision, year])
    (mexico,), = sql(built_db, "SELECT migrants FROM stock WHERE revision = ? AND year = ? AND sex = 'total' "
                               "AND origin_code = 900 AND destination_code = 484", [revision, year])
    summary = flat(pdf_pages[2])
    assert str(year) in summary and people(americas, PDF_LANG) in summary
    document = flat(" ".join(pdf_pages))
    assert people(mexico, PDF_LANG) in document
    received = sql(built_db, "SELECT year, value FROM indicator_vintages WHERE newest AND series = "
                             "'BX.TRF.PWKR.CD.DT' AND area_code = 484 AND variant = 'estimate' AND value > 0 "
                             "ORDER BY year DESC LIMIT 1")  # a country's own figure: no sum, no partial year
    if received:
        assert money(received[0][1], PDF_LANG) in document
    iom = sql(built_db, "SELECT c.year, sum(m.dead_and_missing) FROM missing_migrants_coverage c JOIN missing_migrants m "
                        "ON m.year = c.year AND m.region IN ('North America', 'Central America', 'Caribbean', "
                        "'South America') WHERE c.coverage = 'complete' GROUP BY 1 ORDER BY 1 DESC LIMIT 1")
    if iom:
        assert decimal(iom[0][1], PDF_LANG, 0) in document


def test_fonts_are_embedded(reports, pdf_pages):
    reader = pypdf.PdfReader(reports / f"report-{PDF_LANG}.pdf")
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get_object().get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            fonts[str(font["/BaseFont"])] = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler's pdftoppm (make browser-deps)")
def test_no_page_is_left_mostly_blank(reports, pdf_pages, tmp_path):
    """Every page but the cover is at least half filled: the lowest printed line above the
    footer is below the middle of the page."""
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(reports / f"report-{PDF_LANG}.pdf"), str(tmp_path / "p")],
                   check=True)
    fills = {}
    for image in sorted(tmp_path.glob("p-*.pgm")):
        width, height, pixels = read_pgm(image.read_bytes())
        body = int(height * (297 - 17) / 297)  # above the footer's margin
        inked = [row for row in range(body) if min(pixels[row * width:(row + 1) * width]) < 235]
        fills[int(image.stem.split("-")[1])] = (max(inked) / body) if inked else 0.0
    pages = sorted(fills)
    assert len(pages) == len(pdf_pages)
    short = {p: round(f, 2) for p, f in fills.items() if p != pages[0] and f < 0.5}
    assert not short, short


def read_pgm(data: bytes) -> tuple[int, int, bytes]:
    fields = data.split(maxsplit=4)
    assert fields[0] == b"P5"
    return int(fields[1]), int(fields[2]), fields[4][-int(fields[1]) * int(fields[2]):]


# ---------------------------------------------------------------- the HTML, in the four languages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_report_is_one_self_contained_file_with_every_member_state(reports, db, lang):
    html = (reports / f"report-{lang}.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html
    assert fetches(html) == []
    shown = visible(html)
    for code, name in names(db, oas_members(db), lang).items():
        assert f'id="country-{code}-title">{escape_html(name)}</h2>' in html, (lang, name)
    for n in range(1, 8):
        assert flat(t(lang, f"documents.ch{n}.title")) in shown


def escape_html(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_figures_and_tables_are_numbered_in_order_each_with_its_source(reports, lang):
    html = (reports / f"report-{lang}.html").read_text(encoding="utf-8")
    for kind, block in (("figure", r"<figure.*?</figure>"), ("table", r'<div class="table-block.*?</div>')):
        word = t(lang, f"documents.report.{kind}", number="N").replace("N", "")
        found = re.findall(block, html, flags=re.DOTALL)
        numbers = [int(m) for b in found for m in re.findall(re.escape(word) + r"(\d+)\.</span>", b)[:1]]
        assert numbers == list(range(1, len(found) + 1)), kind
        assert all('<p class="source">' in b for b in found), kind
    assert len(re.findall(r"<figure", html)) >= 100


@pytest.mark.parametrize("lang", ["es", "fr", "pt"])
def test_no_english_in_the_other_languages(reports, lang):
    """No piece of the English templates (four words or more between placeholders) is left in
    the Spanish, French or Portuguese report, unless that language says it the same way; the
    publishers' citations, quoted as published, are left out of the check (the PDF prints this
    same HTML)."""
    shown = visible((reports / f"report-{lang}.html").read_text(encoding="utf-8"))
    theirs = " ".join(strings(lang).values())
    english = [flat(piece) for key, value in strings("en").items() if key.startswith(("documents.", "briefs."))
               for piece, *_ in string.Formatter().parse(value) if len(piece.split()) >= 4]
    leaks = sorted({piece for piece in english if piece in shown and piece not in theirs})
    assert not leaks, leaks
    english_words = ["the", "and", "of", "from", "billion", "people", "thousand"] + (["million"] if lang != "fr" else [])
    words = re.findall(r"\b(?:" + "|".join(english_words) + r")\b", shown)
    assert not words, words[:20]


def test_the_report_without_the_optional_sources_says_what_is_missing(bare_db):
    """A build of UN DESA's files alone: every chapter is there, those whose source is missing
    say so, and every member state still has its page (its empty slots say why)."""
    from readside.documents.report import report
    from readside.documents.report_model import Notice

    content = report(Database(bare_db), "en")
    notices = {item.text for chapter in content.chapters for section in chapter.sections for item in section.items
               if isinstance(item, Notice)}
    for source in ("worldbank", "unhcr", "oecd", "iom_missing_migrants", "idmc", "knomad"):
        assert t("en", "documents.report.not_loaded", what=t("en", f"briefs.source.{source}")) in notices, source
    assert len(content.annex) == 35 and len(content.chapters) == 7
    assert all(len(page.charts) == 4 for page in content.annex)
    assert 8 > len(content.findings) >= 3  # only the stock chapter has findings to give


# ---------------------------------------------------------------- UNHCR's asylum, flows and solutions (issue 25)

ASYLUM_SECTIONS = ("displacement-asylum", "displacement-flows", "displacement-solutions")


def test_chapter_four_reports_the_asylum_tables_as_readside_asylum_computes_them(built_db, tmp_path):
    """Without the package's asylum, flows and solutions rows, chapter 4 has no section for them;
    with the build's own, its figures are readside.asylum's and those of an independent SQL over
    the views: claims and decisions counted in persons only (the cases beside them, never added),
    UNHCR's total recognition rate, new displacement into the Americas, resettlement."""
    from readside import asylum
    from readside.documents.chapters import displacement_chapter
    from readside.documents.report_model import Numbers, Points, Table

    # a build whose UNHCR folder held only `population`
    copy = copy_without(built_db, tmp_path / "population-only.duckdb",
                        ("asylum_application", "asylum_decision", "displacement_flow", "durable_solution"))
    without = [s.key for s in displacement_chapter(Database(copy), "en", Numbers()).sections]
    assert not set(ASYLUM_SECTIONS) & set(without) and "displacement-unhcr" in without

    db = Database(built_db)
    chapter = displacement_chapter(db, "en", Numbers())
    keys = [s.key for s in chapter.sections]
    assert [k for k in keys if k in ASYLUM_SECTIONS] == list(ASYLUM_SECTIONS)
    found = {p.key: p for s in chapter.sections for item in s.items if isinstance(item, Points) for p in item.points}
    members = oas_members(db)
    (vintage,), = sql(built_db, "SELECT vintage FROM asylum_application ORDER BY revision DESC, vintage DESC LIMIT 1")
    where = "vintage = ? AND list_contains(?, asylum_code)"
    (year,), = sql(built_db, f"SELECT max(year) FROM asylum_application WHERE {where} AND applied > 0",  # noqa: S608
                   [vintage, members])
    lodged = dict(sql(built_db, f"SELECT basis, sum(applied) FROM asylum_application WHERE {where} AND year = ? "  # noqa: S608
                                "GROUP BY basis", [vintage, members, year]))
    claims = found["asylum_claims"]
    assert (claims.year, claims.value, claims.vintage) == (year, lodged["persons"], vintage)
    yearly = asylum.by_year(db, vintage, asylum=members).set_index(["year", "basis"])
    assert claims.value == yearly.at[(year, "persons"), "applied"]
    if lodged.get("cases"):  # named beside the persons, never added to them
        assert people(lodged["cases"], "en") in claims.sentence
        assert people(lodged["persons"] + lodged["cases"], "en") not in claims.sentence
    (recognised, complementary, closed, total), = sql(
        built_db, f"SELECT sum(recognized), sum(complementary), sum(otherwise_closed), sum(total_decisions) "  # noqa: S608
                  f"FROM asylum_decision WHERE {where} AND year = ? AND basis = 'persons'", [vintage, members, year])
    rate = (recognised + complementary) / (total - closed)  # UNHCR's total recognition rate
    decisions = found["asylum_decisions"]
    assert decisions.value == total == yearly.at[(year, "persons"), "total_decisions"]
    assert abs(yearly.at[(year, "persons"), "rate"] - rate) < 1e-12
    assert f"{100 * rate:.1f}%" in decisions.sentence
    assert "unhcr_refugees_asylum_applications" in claims.dataset and "asylum_decisions" in decisions.dataset

    table = next(i for s in chapter.sections if s.key == "displacement-asylum" for i in s.items
                 if isinstance(i, Table) and i.title.startswith("Asylum applications and decisions"))
    top = sql(built_db, f"SELECT asylum_code, sum(applied) FROM asylum_application WHERE {where} AND year = ? "  # noqa: S608
                        "AND basis = 'persons' GROUP BY 1 ORDER BY 2 DESC LIMIT 1", [vintage, members, year])[0]
    assert table.rows[0][:3] == [names(db, [top[0]], "en")[top[0]], "persons", decimal(top[1], "en", 0)]
    counted = {row[1] for row in table.rows}
    assert counted <= {"persons", "cases"} and ("cases" in counted) == bool(lodged.get("cases"))

    (flow_vintage,), = sql(built_db, "SELECT max(vintage) FROM displacement_flow")
    (flow_year,), = sql(built_db, "SELECT max(year) FROM displacement_flow f JOIN area h ON h.code = f.asylum_code "
                                  "WHERE f.vintage = ? AND h.region IN (904, 905)", [flow_vintage])
    (into,), = sql(built_db, "SELECT sum(persons) FROM displacement_flow f JOIN area h ON h.code = f.asylum_code "
                             "WHERE f.vintage = ? AND f.year = ? AND h.kind = 'country' AND h.region IN (904, 905)",
                   [flow_vintage, flow_year])
    assert (found["asylum_flows"].year, found["asylum_flows"].value) == (flow_year, into)
    (resettled_year, resettled), = sql(
        built_db, "SELECT year, sum(persons) FROM durable_solution WHERE vintage = (SELECT max(vintage) FROM "
                  "durable_solution) AND solution = 'resettlement' AND list_contains(?, asylum_code) AND persons > 0 "
                  "GROUP BY year ORDER BY year DESC LIMIT 1", [members])
    assert (found["asylum_resettlement"].year, found["asylum_resettlement"].value) == (resettled_year, resettled)
    assert found["asylum_claims"] in chapter.findings


def test_the_annex_gives_each_member_states_asylum_claims_in_their_unit(built_db):
    from readside.documents.asylum import annex_lines

    db = Database(built_db)
    members = oas_members(db)
    lines = annex_lines(db, members, "en")
    rows = sql(built_db, "WITH s AS (SELECT asylum_code, year, basis, sum(applied) AS applied FROM asylum_application "
                         "WHERE vintage = (SELECT max(vintage) FROM asylum_application) AND list_contains(?, asylum_code) "
                         "AND applied > 0 GROUP BY ALL) SELECT * FROM s "
                         "QUALIFY year = max(year) OVER (PARTITION BY asylum_code)", [members])
    assert set(lines) == {code for code, *_ in rows}
    for code, year, basis, applied in rows:
        assert lines[code].startswith(f"Asylum, {year} (UNHCR): ")
        assert f"{decimal(applied, 'en', 0)} applications lodged, counted in {basis}" in lines[code], lines[code]


def test_a_short_last_page_before_the_annex_sets_the_sources_list_to_fill_it(monkeypatch):
    """The sources list's size for the next print: unchanged when the page before the annex is
    filled enough; smaller when a little of the list spills onto it (the page goes); larger when
    it reaches part way down (to end past the middle); never beyond the bounds."""
    from readside.documents import page_fill

    top = page_fill.PAGE_HEIGHT - page_fill.TOP  # the heading at the top of its page
    for end, expected in ((0.8, "same"), (0.1, "smaller"), (0.3, "larger"), (0.45, "larger")):
        monkeypatch.setattr(page_fill, "lowest_text", lambda pdf, page, end=end: end)
        size = page_fill.sources_size(b"", (10, top), 12, page_fill.SIZE)  # a list of 1 page and `end`
        height = 1 + end
        assert page_fill.SMALLEST <= size <= page_fill.LARGEST
        if expected == "same":
            assert size == page_fill.SIZE
        elif expected == "smaller":  # the list, height ~ size², ends on the page before
            assert size < page_fill.SIZE and height * (size / page_fill.SIZE) ** 2 <= 1.0
        else:  # it reaches past the middle of its last page, not onto the next
            assert size > page_fill.SIZE and 1.5 < height * (size / page_fill.SIZE) ** 2 < 2.0



def test_a_summary_spilling_onto_a_page_of_its_own_is_set_a_little_smaller(monkeypatch):
    """The executive summary (seen: its twelfth finding alone on page 4 of the Spanish report)
    shrinks to end on its first page when a few lines spill; it is never set larger than the
    body text, and a summary filling its last page enough keeps its size."""
    from readside.documents import page_fill

    top = page_fill.PAGE_HEIGHT - page_fill.TOP
    for end, expected in ((0.8, "same"), (0.1, "smaller"), (0.3, "same")):
        monkeypatch.setattr(page_fill, "lowest_text", lambda pdf, page, end=end: end)
        size = page_fill.summary_size(b"", (3, top), 5, page_fill.SUMMARY_SIZE)  # a summary of 1 page and `end`
        assert page_fill.SUMMARY_SMALLEST <= size <= page_fill.SUMMARY_LARGEST == page_fill.SUMMARY_SIZE
        if expected == "smaller":
            assert size < page_fill.SUMMARY_SIZE and (1 + end) * size ** 2 <= 1.0
        else:
            assert size == page_fill.SUMMARY_SIZE

# ---------------------------------------------------------------- the download route and the Report page


def test_report_route_serves_the_builds_file_and_never_blocks(reports, built_db, tmp_path, monkeypatch):
    from dashboard import report_downloads as reporting
    from dashboard.app import create_app

    copy = tmp_path / "serve.duckdb"
    shutil.copy(built_db, copy)
    client = create_app(copy).server.test_client()
    build = sql(copy, "SELECT build_id FROM build")[0][0]
    assert client.get("/report/exe?lang=es").status_code == 404
    # a file this build already has is served as it is
    target = reporting.report_path(copy, build, "es", "html")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(reports / "report-es.html", target)
    reply = client.get("/report/html?lang=es")
    assert reply.status_code == 200 and reply.get_data() == (reports / "report-es.html").read_bytes()
    assert 'filename=migdash-report-es.html' in reply.headers["Content-Disposition"]
    # one that is being written: a page that waits (and no second run is started)
    lock = reporting.report_path(copy, build, "fr", "pdf").with_suffix(".pdf.lock")
    lock.write_text(f"{reporting.os.getpid()} fr pdf\n")
    waiting = client.get("/report/pdf?lang=fr")
    assert waiting.status_code == 202 and waiting.headers["Retry-After"] and "http-equiv=\"refresh\"" in \
        waiting.get_data(as_text=True) and t("fr", "report_page.reloads") in waiting.get_data(as_text=True)
    assert fetches(waiting.get_data(as_text=True)) == []
    assert client.get("/report/html?lang=pt").status_code == 202  # the machine writes one report at a time
    lock.unlink()
    # a new one is written by a separate process (here a stand-in for `migdash report`), then served
    monkeypatch.setattr(reporting, "command", lambda db, lang, fmt, out: [
        reporting.sys.executable, "-c", f"open({str(out)!r}, 'w').write('<!DOCTYPE html>{lang}')"])
    assert client.get("/report/html?lang=pt").status_code == 202
    served = wait_for(lambda: client.get("/report/html?lang=pt"))
    assert served.status_code == 200 and served.get_data(as_text=True) == "<!DOCTYPE html>pt"
    # a failed run says why, once; the next request tries again
    monkeypatch.setattr(reporting, "command", lambda db, lang, fmt, out: [
        reporting.sys.executable, "-c", "import sys; sys.exit('no Chromium found')"])
    assert client.get("/report/pdf?lang=en").status_code == 202
    failed = wait_for(lambda: client.get("/report/pdf?lang=en"))
    assert failed.status_code == 503 and "no Chromium found" in failed.get_data(as_text=True)
    assert client.get("/report/pdf?lang=en").status_code == 202


def wait_for(request, timeout: float = 30):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = request()
        if reply.status_code != 202:
            return reply
        time.sleep(0.2)
    raise AssertionError("still waiting")


def test_report_page_offers_both_files_in_every_language(built_db):
    import dash

    from dashboard.app import create_app
    from tests.test_i18n import find
    from tests.test_page_layouts import text_of

    app = create_app(built_db)
    layout = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/report")
    for lang in LANGUAGES:
        with app.server.test_request_context(f"/report?lang={lang}"):
            page = layout(lang=lang)
        text = text_of(page)
        assert t(lang, "report_page.title") in text and t(lang, "report_page.status.on_request") in text
        links = {a.href for a in find(page, lambda c: type(c).__name__ == "A")}
        assert {f"/report/{fmt}?lang={report_lang}" for report_lang in LANGUAGES for fmt in ("html", "pdf")} <= links


def test_cli_report_without_a_database_says_which_command_builds_it(tmp_path, capsys):
    assert main(["report", "--db", str(tmp_path / "absent.duckdb"), "--out", str(tmp_path / "r.html")]) == 2
    assert "migdash etl" in capsys.readouterr().err
