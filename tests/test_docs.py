"""The README, docs/ and the Help guides stay true: every internal link and anchor resolves, every
app page they link to answers and renders the view its parameters choose without a warning, every `migdash` command
they quote is the command line's, and the database contract lists the views a build creates."""

from __future__ import annotations

import argparse
import re
import shlex
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import dash
import duckdb
import pytest

from dashboard.app import create_app
from migdash.cli import parser
from readside import guides
from readside.text import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^(```|~~~)")
LINK = re.compile(r"!?\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")
LOCAL_APP = re.compile(r"^https?://(?:127\.0\.0\.1|localhost):8050(?P<path>/.*)?$")
INLINE_CODE = re.compile(r"`([^`]+)`")


# ---- reading Markdown ------------------------------------------------------------------------

def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def code_lines(text: str) -> list[str]:
    """The lines inside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if fenced:
            lines.append(line)
    return lines


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, links and markup dropped, punctuation
    removed (letters of any script, digits, '-' and '_' kept), spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"<[^>]+>", "", text).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@cache
def anchors_of(path: Path) -> frozenset[str]:
    text = path.read_text(encoding="utf-8")
    found: list[str] = []
    seen: dict[str, int] = {}
    for line in prose_lines(text):
        heading = HEADING.match(line)
        if heading:
            slug = github_slug(heading["text"])
            found.append(slug if slug not in seen else f"{slug}-{seen[slug]}")
            seen[slug] = seen.get(slug, 0) + 1
        found += HTML_ANCHOR.findall(line)
    return frozenset(found)


def links_of(path: Path) -> list[str]:
    """Every link target of a Markdown file, outside code blocks and inline code."""
    targets = []
    for line in prose_lines(path.read_text(encoding="utf-8")):
        targets += [m["target"] for m in LINK.finditer(INLINE_CODE.sub("", line))]
    return targets


def test_the_slugs_are_githubs():
    assert github_slug("Libraries, and why") == "libraries-and-why"
    assert github_slug("`--save-mirror`: keep what was fetched") == "--save-mirror-keep-what-was-fetched"
    assert github_slug("Residual origins are kept, never dropped") == "residual-origins-are-kept-never-dropped"
    assert github_slug("Chromium, for PDFs") == "chromium-for-pdfs"


# ---- links in README.md and docs/ ------------------------------------------------------------

def test_the_documentation_has_an_index_and_the_readme_links_to_it():
    assert (ROOT / "docs" / "README.md").is_file()
    index_links = {urlsplit(t).path for t in links_of(ROOT / "docs" / "README.md")}
    for page in (ROOT / "docs").glob("*.md"):
        assert page.name == "README.md" or page.name in index_links, f"docs/README.md does not list {page.name}"
    assert any(urlsplit(t).path.rstrip("/") == "docs" or t.startswith("docs/") for t in links_of(ROOT / "README.md"))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(doc):
    for target in links_of(doc):
        if LOCAL_APP.match(target):
            continue  # the running app: test_links_to_the_running_app_answer
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto: (no network in tests)
        parts = urlsplit(target)
        file = (doc.parent / parts.path).resolve() if parts.path else doc
        assert file.exists(), f"{doc.relative_to(ROOT)}: {target} -> {file} does not exist"
        assert ROOT in file.parents or file == ROOT, f"{doc.relative_to(ROOT)}: {target} leaves the repository"
        if parts.fragment:
            assert file.suffix == ".md", f"{doc.relative_to(ROOT)}: anchor into a non-Markdown file {target}"
            assert parts.fragment in anchors_of(file), f"{doc.relative_to(ROOT)}: no anchor #{parts.fragment} in {file.name}"


# ---- links to the app (the Help guides, and the docs' links to a running migdash) ------------

def guide_links() -> list[tuple[str, str]]:
    found = []
    for lang in LANGUAGES:
        for guide in guides.guides(lang):
            text = "\n".join([guide.intro, *(s.body for s in guide.sections)])
            found += [(f"{lang}/{guide.key}", target) for target in guides.app_links(text)]
    for doc in DOCS:
        found += [(doc.name, LOCAL_APP.match(t)["path"] or "/") for t in links_of(doc) if LOCAL_APP.match(t)]
    return found


def warnings_in(component) -> list[str]:
    """The text of every warning notice in a layout (a parameter the page did not understand)."""
    found = []
    if "notice-warning" in (getattr(component, "className", "") or ""):
        found.append(str(component.children))
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found += warnings_in(child)
    return found


def test_links_to_the_running_app_answer_and_render_their_view(built_db):
    links = guide_links()
    assert len(links) > 20
    app = create_app(built_db)
    client = app.server.test_client()
    pages = {page["path"]: page for page in dash.page_registry.values()}
    sections = {a for g in guides.guides("en") for a in (g.key, *g.anchors)}
    rendered: set[tuple[str, str]] = set()  # each view once: the same link in four guides is one view
    for where, target in links:
        parts = urlsplit(target)
        if parts.path == "/help" and parts.fragment:
            assert parts.fragment in sections, (where, target)
        view = (parts.path, "&".join(sorted(f"{k}={v}" for k, v in parse_qsl(parts.query) if k != "lang")))
        if view in rendered:
            continue
        rendered.add(view)
        assert parts.path in pages or parts.path in {r.rule for r in app.server.url_map.iter_rules()}, (where, target)
        assert not parts.path.startswith("/_"), (where, target)
        response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
        assert response.status_code == 200, (where, target, response.status_code)
        if parts.path in pages and view[1]:  # a view chosen by parameters: the page must understand them
            params = dict(parse_qsl(parts.query))
            with app.server.test_request_context(target):
                layout = pages[parts.path]["layout"](**params)
            assert not warnings_in(layout), (where, target, warnings_in(layout))


# ---- the commands quoted are the command line's -----------------------------------------------

@cache
def commands() -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every (sub)command of `migdash` and its parser, read from argparse itself."""
    found: dict[tuple[str, ...], argparse.ArgumentParser] = {}

    def walk(prefix: tuple[str, ...], current: argparse.ArgumentParser) -> None:
        found[prefix] = current
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk((*prefix, name), sub)

    walk((), parser())
    return found


@cache
def options_of(command: tuple[str, ...]) -> frozenset[str]:
    """The options `migdash COMMAND --help` prints."""
    return frozenset(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", commands()[command].format_help()))


def quoted_commands(blocks_only: bool = False) -> list[tuple[str, str]]:
    """Every `migdash …` quoted in README.md, docs/ and the guides: inline code and code blocks
    (only the code blocks' lines, which are commands to run as written, with blocks_only)."""
    found = []
    sources = [(d.relative_to(ROOT).as_posix(), d.read_text(encoding="utf-8")) for d in DOCS]
    sources += [(f"guides/{g.lang}/{g.key}", "\n".join(s.body for s in g.sections))
                for lang in LANGUAGES for g in guides.guides(lang)]
    for where, text in sources:
        spans = ([] if blocks_only else INLINE_CODE.findall("\n".join(prose_lines(text)))) + code_lines(text)
        for span in (s.replace("\\|", " ") for s in spans):  # a Markdown table's escaped "|": "or"
            for match in re.finditer(r"(?:^|[\s/=(])migdash((?:\s+[^\s&;|#`]+|\s+\\\|)*)", span):
                found.append((where, "migdash" + match.group(1)))
    return found


def split_command(quoted: str) -> list[str]:
    """'migdash brief (--area M49 \\| --group G) [--lang en\\|es]' -> tokens, metasyntax dropped."""
    text = quoted.replace("\\|", " ").replace("|", " ")
    text = re.sub(r"[\[\]()]", " ", text)
    try:
        return shlex.split(text)[1:]
    except ValueError:
        return text.split()[1:]


def test_the_commands_quoted_are_the_command_lines():
    quoted = quoted_commands()
    assert len(quoted) > 30
    known = commands()
    for where, command in quoted:
        tokens = split_command(command)
        if not tokens or tokens[0].startswith(("-", "$", "…")) or tokens[0].isupper():
            continue
        path: tuple[str, ...] = ()
        for token in tokens:
            if (*path, token) in known:
                path = (*path, token)
            else:
                break
        assert path, f"{where}: `{command}`: {tokens[0]!r} is no migdash command ({sorted(p[0] for p in known if p)})"
        assert not any(len(p) == len(path) + 1 and p[:len(path)] == path for p in known), \
            f"{where}: `{command}` names no subcommand of {' '.join(path)}"
        for token in tokens[len(path):]:
            option = token.split("=", 1)[0]
            if option.startswith("--"):
                assert option in options_of(path), f"{where}: `{command}`: {option} is no option of migdash {' '.join(path)}"


CONCRETE = re.compile(r"^migdash [a-z]")  # no metasyntax: the whole line must parse


def test_concrete_commands_parse_as_written():
    parsed = 0
    for where, command in quoted_commands(blocks_only=True):
        if re.search(r"[\[\]|…$<>]|\b[A-Z][A-Z0-9_]*\b", command) or not CONCRETE.match(command):
            continue
        try:
            parser().parse_args(shlex.split(command)[1:])
        except SystemExit:
            pytest.fail(f"{where}: `{command}` does not parse")
        parsed += 1
    assert parsed >= 10


def test_the_command_line_page_names_every_command_and_option():
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, _ in commands().items():
        if not path:
            continue
        assert f"migdash {' '.join(path)}" in page, f"docs/cli.md does not name `migdash {' '.join(path)}`"
        has_subcommands = any(len(p) == len(path) + 1 and p[:len(path)] == path for p in commands())
        for option in options_of(path) - {"-h", "--help"}:
            if option.startswith("--") and not has_subcommands:
                assert option in page, f"docs/cli.md does not mention {option} of migdash {' '.join(path)}"


def test_the_make_targets_quoted_exist():
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    for doc in DOCS:
        for target in re.findall(r"`make ([a-z][a-z-]*)", doc.read_text(encoding="utf-8")):
            assert target in targets, f"{doc.name}: make {target}"
        for line in code_lines(doc.read_text(encoding="utf-8")):
            for target in re.findall(r"^(?:[A-Z]+=\S+ )*make ([a-z][a-z-]*)", line.strip()):
                assert target in targets, f"{doc.name}: make {target}"


# ---- the database contract ---------------------------------------------------------------------

def documented_views() -> dict[str, list[str] | None]:
    """docs/database.md's view table: view name(s) -> columns (None where it points elsewhere)."""
    views: dict[str, list[str] | None] = {}
    for line in (ROOT / "docs" / "database.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([a-z_]+)`", cells[0])
        column_groups = [] if cells[1].lower().startswith("see ") else \
            [re.findall(r"[a-z0-9_*]+", part) for part in re.findall(r"`([^`]+)`", cells[1])]
        for i, name in enumerate(names):
            if not column_groups:
                views[name] = None
            else:
                views[name] = column_groups[i] if len(column_groups) == len(names) else column_groups[0]
    return views


def test_the_database_contract_lists_the_views_a_build_creates(built_db):
    documented = documented_views()
    with duckdb.connect(str(built_db), read_only=True) as con:
        actual = {name: [c for (c, *_) in con.execute(f'DESCRIBE "{name}"').fetchall()]  # noqa: S608 - catalog names
                  for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal "
                                             "AND schema_name = 'main'").fetchall()}
    assert set(documented) == set(actual), (sorted(set(actual) - set(documented)), sorted(set(documented) - set(actual)))
    for name, columns in documented.items():
        if columns is None:
            continue
        expected = actual[name]
        shown = [c for c in columns if not c.endswith("*")]
        wildcard = [c.rstrip("_*") for c in columns if c.endswith("*")]
        assert all(c in expected for c in shown), (name, shown, expected)
        assert all(c in shown or any(c.startswith(w) for w in wildcard) for c in expected), (name, columns, expected)
