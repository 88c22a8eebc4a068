"""The report's flowing parts end on a page that is at least half filled.

Two parts flow onto pages of their own and end where their length says: the executive summary
(chapter 1 starts on a new page after it) and the chapters with the sources list (the country
annex then starts on a new page). The summary's type size is its knob, as the sources list's
is below; `flow_size` serves both.

The chapters and the sources list flow from page to page; the country annex then starts on a
new page. Where that flow ends is an accident of each language's length (and of how many files
the build has), so its last page could be left mostly blank. The sources list is the flow's
last part, and its type size is the knob: measured on a print (the outline gives the page and
position of the list's heading; the lowest line of text on the page before the annex is where
it ends), the list is set a little smaller, to end on the page before, or a little larger, to
reach further down its last page. A list's height grows about as the square of its size (its
lines are longer and there are more of them), so one step usually lands; the next print checks.
"""

from __future__ import annotations

import io
import math

import pypdf

MM = 72 / 25.4
PAGE_HEIGHT, TOP, BOTTOM = 297 * MM, 15 * MM, 17 * MM  # A4 and the @page margins (_print.css.j2)
BODY = PAGE_HEIGHT - TOP - BOTTOM
SIZE, SMALLEST, LARGEST = 0.84, 0.76, 1.0  # the list's size in em of the body text: default, bounds
# The summary's findings, in em of the body text: body size, a little smaller where the last few
# lines would otherwise spill onto a page of their own, never larger.
SUMMARY_SIZE, SUMMARY_SMALLEST, SUMMARY_LARGEST = 1.0, 0.88, 1.0
ENOUGH = 0.55  # of the body's height: the last page is filled enough (a page half filled or more)
TARGET = 0.62  # where a larger list should end
SHRINK_BELOW = 0.22  # a last page filled less than this is removed by a smaller list, if it can be
KEEP = 0.04  # the room a smaller list leaves at the foot of the page before


def depth(y: float) -> float:
    """How far down the body a point is (0 at its top, 1 at its foot), from a PDF y (points up)."""
    return (PAGE_HEIGHT - TOP - y) / BODY


def lowest_text(pdf: bytes, page: int) -> float | None:
    """depth() of the lowest line of body text on a page (from 1); None for a page without any."""
    found: list[float] = []

    def visit(text, cm, tm, _font, _size) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and y > BOTTOM:  # the running footer sits in the bottom margin
            found.append(y)

    pypdf.PdfReader(io.BytesIO(pdf)).pages[page - 1].extract_text(visitor_text=visit)
    return depth(min(found)) if found else None


def sources_size(pdf: bytes, start: tuple[int, float], annex_page: int, size: float) -> float:
    """The sources list's size for the next print (see flow_size)."""
    return flow_size(pdf, start, annex_page, size)


def summary_size(pdf: bytes, start: tuple[int, float], first_chapter_page: int, size: float) -> float:
    """The executive summary's size for the next print (see flow_size)."""
    return flow_size(pdf, start, first_chapter_page, size, SUMMARY_SMALLEST, SUMMARY_LARGEST)


def flow_size(pdf: bytes, start: tuple[int, float], next_page: int, size: float,
              smallest: float = SMALLEST, largest: float = LARGEST) -> float:
    """A flowing part's size for the next print: `size` when its last page (the one before
    `next_page`, where the next part starts) is filled enough, else the size that should make
    it so, within [smallest, largest]. `start`: the page and PDF y of the part's heading."""
    last = next_page - 1
    end = lowest_text(pdf, last)
    if end is None or end >= ENOUGH:
        return size
    height = (last - start[0]) + end - depth(start[1])  # the list with its heading, in bodies
    if height <= 0:
        return size
    shrink = _scaled(size, (height - end - KEEP) / height) if end < SHRINK_BELOW and last > start[0] else None
    if shrink is not None and shrink >= smallest:
        return shrink
    return min(largest, _scaled(size, (height + TARGET - end) / height))


def _scaled(size: float, ratio: float) -> float:
    """The size whose list is `ratio` times as tall (height ~ size squared), to 1/100 em."""
    return round(size * math.sqrt(max(ratio, 0.01)), 2)
