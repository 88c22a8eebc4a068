"""The Help page's task guides: content, not code.

One Markdown file per guide and language, `readside/guides/<lang>/<guide>.md`, read as package
data. A guide starts with `# Title`, may have an introduction, and is cut into sections by
`## Heading {#anchor}` lines. Anchors are the same in every language, so a link to a section
(`/help#double-counting`) lands on the same section whatever the reader's language.

Bodies stay Markdown. Links to the app are written as paths (`/country?area=9802`) and
screenshots as `help:name`; the page that renders a guide resolves both (language, URL prefix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from readside.text import LANGUAGES

# In the order the Help page shows them: a delegate's meeting, the secretariat's refresh,
# the analyst's extract, then how to read any figure.
GUIDES = ("meeting", "refresh", "data", "reading")

TITLE = re.compile(r"^# (?P<title>.+?)\s*$")
SECTION = re.compile(r"^## (?P<title>.+?)\s*\{#(?P<anchor>[a-z0-9][a-z0-9-]*)\}\s*$")
# Markdown links and images whose target is an app path or a screenshot: ](/path...) or ](help:name)
APP_LINK = re.compile(r"\]\((?P<target>/[^)\s]*)\)")
SCREENSHOT = re.compile(r"\]\(help:(?P<name>[a-z0-9-]+)\)")


class GuideError(ValueError):
    """A guide file that does not follow the layout above (caught by the tests, never at serving)."""


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    body: str


@dataclass(frozen=True)
class Guide:
    key: str
    lang: str
    title: str
    intro: str
    sections: tuple[Section, ...]

    @property
    def anchors(self) -> tuple[str, ...]:
        return tuple(s.anchor for s in self.sections)


def parse(text: str, key: str, lang: str) -> Guide:
    """A guide's title, introduction and sections from its Markdown."""
    lines = text.strip().splitlines()
    first = TITLE.match(lines[0]) if lines else None
    if first is None:
        raise GuideError(f"{lang}/{key}.md must start with '# Title'")
    intro: list[str] = []
    sections: list[tuple[str, str, list[str]]] = []
    for line in lines[1:]:
        found = SECTION.match(line)
        if found:
            sections.append((found["anchor"], found["title"], []))
        elif line.startswith("## ") or line.startswith("# "):
            raise GuideError(f"{lang}/{key}.md: heading without an {{#anchor}}: {line!r}")
        else:
            (sections[-1][2] if sections else intro).append(line)
    return Guide(key, lang, first["title"], "\n".join(intro).strip(),
                 tuple(Section(a, t, "\n".join(body).strip()) for a, t, body in sections))


@cache
def guide(lang: str, key: str) -> Guide:
    if lang not in LANGUAGES or key not in GUIDES:
        raise GuideError(f"no guide {key!r} in {lang!r}")
    path = resources.files("readside").joinpath("guides", lang, f"{key}.md")
    return parse(path.read_text(encoding="utf-8"), key, lang)


def guides(lang: str) -> list[Guide]:
    return [guide(lang, key) for key in GUIDES]


def app_links(markdown: str) -> list[str]:
    """Every app path a Markdown text links to (`/country?area=9802`, `/help#stock-and-flows`)."""
    return [m["target"] for m in APP_LINK.finditer(markdown)]


def screenshots(markdown: str) -> list[str]:
    """Every screenshot a Markdown text shows, by name (`help:briefs` -> 'briefs')."""
    return [m["name"] for m in SCREENSHOT.finditer(markdown)]
