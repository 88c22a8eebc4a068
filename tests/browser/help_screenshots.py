"""The Help guides' screenshots, in every language: `python -m tests.browser.help_screenshots`.

Serves the app on 127.0.0.1 from a database built from the bundled snapshot (or --db), drives
Debian's headless Chromium (the test suite's flags) at a moderate width, crops each shot to the
part of the page a guide talks about, and writes an 8-bit palette PNG to
dashboard/assets/help/<lang>/<name>.png. Prints the size of each file and the total.

Not a test (pytest does not collect it): run it after changing a page a guide shows, then open
the images and look at them.
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from dashboard.app import create_app
from etl.build import build_from_snapshot
from readside.guides import GUIDES, guide, screenshots
from readside.text import LANGUAGES
from tests.browser.conftest import CHROMIUM_FLAGS

OUT = Path(__file__).resolve().parents[2] / "dashboard" / "assets" / "help"
WIDTH = 960  # CSS pixels: the app's layout at a laptop-like width, shown at ~80 % in the guide column
COLOURS = 48  # palette size: enough for anti-aliased text and the app's few colours
MAX_HEIGHT = 620  # a shot never runs past about one screen

# The paragraph each language's "Check a text" screenshot checks: a concept paper's sentences,
# one figure that holds and others that no longer do.
PARAGRAPHS = {
    "en": "According to the United Nations, in 2020 nearly 73.5 million international migrants lived in the Americas, "
          "compared with 58 million in 2010. In South America, the number of migrants exceeded 11 million in 2020.",
    "es": "Según las Naciones Unidas, en 2020 vivían en las Américas cerca de 73,5 millones de migrantes "
          "internacionales, frente a 58 millones en 2010. En América del Sur, el número de migrantes superó los "
          "11 millones en 2020.",
    "fr": "Selon les Nations Unies, près de 73,5 millions de migrants internationaux vivaient dans les Amériques en "
          "2020, contre 58 millions en 2010. En Amérique du Sud, le nombre de migrants dépassait 11 millions en 2020.",
    "pt": "Segundo as Nações Unidas, em 2020 viviam nas Américas quase 73,5 milhões de migrantes internacionais, "
          "contra 58 milhões em 2010. Na América do Sul, o número de migrantes superou 11 milhões em 2020.",
}


@dataclass(frozen=True)
class Shot:
    """One screenshot: the page, what to wait for, and the elements whose box is kept."""

    name: str
    path: str
    ready: str  # CSS selector that exists once the page has drawn what the shot shows
    top: str  # the crop starts at this element's top ...
    bottom: str  # ... and ends at the lowest bottom of these elements that fits in MAX_HEIGHT
    prepare: Callable[[WebDriver, str], None] | None = None
    extra: int = 0  # pixels kept below the bottom (the first rows of a table)
    pad: int = 12  # pixels kept above the top


def check_paragraph(driver: WebDriver, lang: str) -> None:
    area = driver.find_element(By.CSS_SELECTOR, "#check-text")
    driver.execute_script(  # set the value as React sees it
        "const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;"
        "setter.call(arguments[0], arguments[1]); arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        area, PARAGRAPHS[lang])
    driver.find_element(By.CSS_SELECTOR, "#check-run").click()


SHOTS = (
    Shot("country-profile", "/country?area=388", "#country-talking-points .copy-button",
         "#country-talking-points", "#country-talking-points .tp-card"),
    Shot("briefs", "/briefs", ".brief-themes li", "main h1", ".brief-themes li"),
    Shot("check", "/check", "#check-refreshed", "#check-language", "#check-figures-1, #check-figures-2",
         prepare=check_paragraph, pad=4),
    Shot("report", "/report", "#report-en-html", "main h1", "main table"),
    Shot("claims", "/claims", ".claim-card", "main h1", ".claim-card"),
    Shot("data", "/data", "#data-links .download", "label[for=data-revision]", "#data-count", extra=150),
)


def browser() -> WebDriver:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        if not flag.startswith("--window-size"):
            options.add_argument(flag)
    options.add_argument(f"--window-size={WIDTH},2400")
    options.add_argument("--force-device-scale-factor=1")
    options.add_argument("--hide-scrollbars")
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='migdash-help-shots-')}")
    return webdriver.Chrome(options=options)


def serve(db: Path, port: int) -> tuple[str, Callable[[], None]]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", port, create_app(db).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def top_of(driver: WebDriver, selector: str) -> int:
    return int(driver.execute_script(
        "return document.querySelector(arguments[0]).getBoundingClientRect().top + window.scrollY;", selector))


def bottoms_of(driver: WebDriver, selector: str) -> list[int]:
    return [int(b) for b in driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), e => e.getBoundingClientRect().bottom + window.scrollY);",
        selector)]


def take(driver: WebDriver, base: str, shot: Shot, lang: str) -> Image.Image:
    driver.get(f"{base}{shot.path}{'&' if '?' in shot.path else '?'}lang={lang}")
    wait = WebDriverWait(driver, 60)
    if shot.prepare:
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"))
        shot.prepare(driver, lang)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, shot.ready))
    time.sleep(1.5)  # fonts, charts and late callbacks settle
    top = max(0, top_of(driver, shot.top) - shot.pad)
    fitting = [b + 12 + shot.extra for b in bottoms_of(driver, shot.bottom) if b + 12 + shot.extra <= top + MAX_HEIGHT]
    bottom = max(fitting, default=top + MAX_HEIGHT)
    driver.execute_script("window.scrollTo(0, 0)")
    page = Image.open(io.BytesIO(driver.get_screenshot_as_png()))
    return page.crop((0, top, page.width, min(bottom, page.height)))


def palette_png(image: Image.Image, path: Path) -> int:
    """An 8-bit palette PNG without dithering (sharp text), as small as zlib makes it."""
    small = image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    small.save(path, optimize=True)
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--lang", action="append", choices=LANGUAGES, help="only these languages (repeatable)")
    args.add_argument("--only", action="append", help="only these screenshots, by name (repeatable)")
    args.add_argument("--db", type=Path, help="database to serve (default: built from the bundled snapshot)")
    args.add_argument("--port", type=int, default=0)
    opts = args.parse_args(argv)
    db = opts.db
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="migdash-help-")) / "migdash.duckdb"
        build_from_snapshot(db)
    shown = {name for key in GUIDES for name in screenshots(guide("en", key).intro + "".join(
        s.body for s in guide("en", key).sections))}
    missing = shown - {s.name for s in SHOTS}
    if missing:
        print(f"no recipe for the screenshots {sorted(missing)}", file=sys.stderr)
        return 2
    base, stop = serve(db, opts.port)
    driver = browser()
    total = 0
    try:
        for lang in opts.lang or LANGUAGES:
            for shot in SHOTS:
                if shot.name not in shown or (opts.only and shot.name not in opts.only):
                    continue
                size = palette_png(take(driver, base, shot, lang), OUT / lang / f"{shot.name}.png")
                total += size
                print(f"{lang}/{shot.name}.png: {size:,} bytes")
    finally:
        driver.quit()
        stop()
    print(f"total written: {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
