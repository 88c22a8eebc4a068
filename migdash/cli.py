"""`migdash` command line: etl, serve, claims, availability, brief, report, snapshot."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from etl.build import (
    DEFAULT_CACHE,
    DEFAULT_DB,
    INDICATOR_SOURCES,
    SNAPSHOT_DIR,
    build,
    is_current_schema,
)
from etl.errors import EtlError
from etl.fetch import FetchPolicy
from etl.loss import ALL as ALL_SOURCES
from etl.snapshot import build_from_snapshot, export_snapshot
from etl.source_report import LOADED, strict_failures

log = logging.getLogger("migdash")
DEBUG_ENV = "MIGDASH_DEBUG"  # =1: let an unexpected error show its traceback


class UsageError(Exception):
    """A command given something it cannot use (a path, a name, a file): one line, exit 2."""


class Parser(argparse.ArgumentParser):
    """argparse with its errors on one line (no usage block), still exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def default_db() -> Path:
    return Path(os.environ.get("MIGDASH_DB", DEFAULT_DB))


def parser() -> argparse.ArgumentParser:
    top = Parser(prog="migdash", description="Migration statistics for the Americas.")
    sub = top.add_subparsers(dest="command", required=True)

    etl = sub.add_parser("etl", help="rebuild the database from the publishers (or a mirror)")
    etl.add_argument("--db", type=Path, default=None, help=f"database file (default {DEFAULT_DB})")
    etl.add_argument("--mirror", action="append", default=[], metavar="[SOURCE=]DIR_OR_URL",
                     help="local directory or http(s) URL base holding a publisher's files; without "
                          "SOURCE= it is UN DESA's. Repeat for undesa_ims, worldbank, unhcr, wpp. With "
                          "any mirror the build is offline: sources without one keep their previous data")
    etl.add_argument("--save-mirror", type=Path, default=None, metavar="DIR",
                     help="also keep every fetched upstream file in DIR/<source>/, a mirror for offline rebuilds")
    etl.add_argument("--strict", action="store_true",
                     help="exit 3 if a source asked for (given a mirror, or fetched online) was not loaded: "
                          "unreachable, its rows kept from the previous build (the build still completes)")
    etl.add_argument("--accept-loss", action="append", default=[], metavar="SOURCE",
                     help="let this build hold less of SOURCE than the database it replaces (a vintage or "
                          "edition gone, fewer rows); repeatable, or 'all'. Without it such a build is refused")
    etl.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="download cache directory")
    etl.add_argument("--force", action="store_true", help="rebuild even if the inputs did not change")
    etl.add_argument("--from-snapshot", nargs="?", const=str(SNAPSHOT_DIR), default=None, metavar="DIR",
                     help="build offline from the bundled snapshot (default data/snapshot)")
    etl.add_argument("--timeout", type=float, default=60.0, help="seconds per HTTP request")
    etl.add_argument("--quiet", action="store_true", help="no progress bars")

    serve = sub.add_parser("serve", help="serve the dashboard (builds from the snapshot if the database is missing)")
    serve.add_argument("--db", type=Path, default=None)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true", help="Dash debug mode (development only)")
    serve.add_argument("--prod", action="store_true", help="serve with gunicorn (read-only database, several workers)")
    serve.add_argument("--workers", type=int, default=2, help="gunicorn workers with --prod")

    claims = sub.add_parser("claims", help="check the quoted claims against every loaded revision")
    claims_sub = claims.add_subparsers(dest="claims_command", required=True)
    check = claims_sub.add_parser("check", help="one row per claim figure and revision, with status and refreshed sentence")
    check.add_argument("--db", type=Path, default=None)
    check.add_argument("--format", choices=["table", "csv", "markdown"], default="table")
    check.add_argument("--fail-on", action="append", default=[], metavar="STATUS",
                       help="exit 1 if any figure's verdict has this status (repeatable): differs, revised, "
                            "not-reported, year-not-published, matches, not-checkable-with-current-sources")
    scan = claims_sub.add_parser("scan", help="find every statistic in a paragraph (EN/ES/FR/PT) and check it like a claim")
    scan.add_argument("file", metavar="FILE|-", help="text file to scan, or - for standard input")
    scan.add_argument("--lang", choices=["en", "es", "fr", "pt"], default=None,
                      help="language of the text (default: detected)")
    scan.add_argument("--format", choices=["table", "csv", "markdown"], default="table")
    scan.add_argument("--db", type=Path, default=None)
    scan.add_argument("--cited-revision", type=int, default=None, help="the revision the text cites (default: the one it names)")
    scan.add_argument("--save-yaml", type=Path, default=None, metavar="FILE",
                      help="also write the understood figures as a claims registry document (data/claims/*.yaml)")

    avail = sub.add_parser("availability", help="which area has which series, up to which year (one row per area and series)")
    avail.add_argument("--db", type=Path, default=None)
    avail.add_argument("--format", choices=["table", "csv", "markdown"], default="table")
    avail.add_argument("--grouping", default=None, metavar="NAME",
                       help="only the roster of a grouping, e.g. oas (default: every area)")

    brief = sub.add_parser("brief", help="a page of sourced talking points, charts and key figures (HTML or PDF)")
    subject = brief.add_mutually_exclusive_group(required=True)
    subject.add_argument("--area", metavar="M49", help="a country or area by its M49 code (484 = Mexico)")
    subject.add_argument("--group", metavar="GROUPING", help="oas, caricom, sica, can or mercosur")
    subject.add_argument("--theme", metavar="THEME", help="overview, sids, special-situations, remittances, "
                                                          "data-and-statistics, covid-19, climate-change")
    brief.add_argument("--lang", choices=["en", "es", "fr", "pt"], default="en")
    brief.add_argument("--format", choices=["html", "pdf"], default="html")
    brief.add_argument("--out", type=Path, default=None, help="file to write (default migdash-brief-<subject>-<lang>.<format>)")
    brief.add_argument("--db", type=Path, default=None)

    changed = sub.add_parser("changes", help="what the last build changed: new vintages and years, revised "
                                             "figures of the Americas, claims whose status moved")
    changed.add_argument("--db", type=Path, default=None)
    changed.add_argument("--format", choices=["table", "csv", "markdown"], default="table",
                         help="markdown: ready to paste into a refresh memo")

    report = sub.add_parser("report", help="the regional report (SICREMI-style): chapters, country annex, sources")
    report.add_argument("--lang", choices=["en", "es", "fr", "pt"], default="en")
    report.add_argument("--format", choices=["html", "pdf"], default="html")
    report.add_argument("--out", type=Path, default=None, help="file to write (default migdash-report-<lang>.<format>)")
    report.add_argument("--db", type=Path, default=None)

    snap = sub.add_parser("snapshot", help="write the bundled offline snapshot from a database")
    snap.add_argument("--db", type=Path, default=None)
    snap.add_argument("--out", type=Path, default=SNAPSHOT_DIR)
    return top


def run_etl(args: argparse.Namespace) -> int:
    db = args.db or default_db()
    from readside.claim_status import latest_statuses

    if args.from_snapshot:
        result = build_from_snapshot(db, Path(args.from_snapshot), claim_statuses=latest_statuses)
        print(f"built {db} from snapshot {args.from_snapshot}: {result.row_counts}")
        return 0
    mirrors = parse_mirrors(args.mirror)
    result = build(
        db, mirrors=mirrors, cache_dir=args.cache, force=args.force,
        policy=FetchPolicy(timeout=args.timeout), show_progress=not args.quiet, save_to=args.save_mirror,
        accept_loss=parse_accept_loss(args.accept_loss), claim_statuses=latest_statuses,
    )
    for report in result.sources:
        if report.state == LOADED:
            print(f"source: {report.line()}", file=sys.stderr)
    for note in result.skipped:
        print(f"note: {note}", file=sys.stderr)
    if result.changed:
        print(f"built {db} (build {result.build_id}): {result.row_counts}")
        print(changes_summary(db, result.comparison))
    else:
        print(f"{db} is up to date (inputs unchanged, build {result.build_id}); use --force to rebuild")
    if result.saved_mirror:
        print(result.saved_mirror)
    lost = strict_failures(result.sources)
    if args.strict and lost:
        print(f"strict: asked for and not loaded: {', '.join(r.source for r in lost)}", file=sys.stderr)
        return 3
    return 0


def parse_accept_loss(values: list[str]) -> frozenset[str]:
    """['worldbank', 'oecd,idmc'] -> {'worldbank', 'oecd', 'idmc'}; an unknown name is a usage error."""
    known = {"undesa_ims", *INDICATOR_SOURCES, ALL_SOURCES}
    names = {name.strip() for value in values for name in value.split(",") if name.strip()}
    unknown = sorted(names - known)
    if unknown:
        raise UsageError(f"migdash etl: unknown source {unknown[0]!r} in --accept-loss; known: {sorted(known)}")
    return frozenset(names)


def changes_summary(db: Path, comparison: str | None) -> str:
    """One line after a build: what `migdash changes` will list."""
    from readside.changes import summary_line
    from readside.queries import Database

    database = Database(db)
    try:
        return summary_line(database)
    finally:
        database.close()


def parse_mirrors(values: list[str]) -> dict[str, str]:
    """['DIR', 'worldbank=http://...'] -> {'undesa_ims': 'DIR', 'worldbank': 'http://...'}."""
    known = {"undesa_ims", *INDICATOR_SOURCES}
    mirrors: dict[str, str] = {}
    for value in values:
        name, sep, location = value.partition("=")
        if sep and name in known:
            mirrors[name] = location
        elif sep and "/" not in name and ":" not in name:
            raise UsageError(f"migdash etl: unknown source {name!r} in --mirror; known: {sorted(known)}")
        else:
            mirrors["undesa_ims"] = value
    return mirrors


def run_serve(args: argparse.Namespace) -> int:
    from readside.claim_status import latest_statuses

    db = args.db or default_db()
    if not db.exists():
        print(f"no database at {db}: building it from the bundled snapshot {SNAPSHOT_DIR}")
        build_from_snapshot(db, claim_statuses=latest_statuses)
    elif not is_current_schema(db):
        print(f"{db} was built by an older migdash (another table layout): rebuilding it from the bundled "
              f"snapshot {SNAPSHOT_DIR}; run `migdash etl` to reload every source")
        build_from_snapshot(db, claim_statuses=latest_statuses)
    print(f"serving {db} on http://{args.host}:{args.port}/")
    if args.prod:
        from dashboard.production import serve_production

        serve_production(db, args.host, args.port, args.workers)
        return 0
    from dashboard.app import create_app

    create_app(db).run(host=args.host, port=args.port, debug=args.debug)
    return 0


def run_claims_scan(args: argparse.Namespace) -> int:
    """`migdash claims scan FILE|-`: the paragraph checker (readside/scan/); stops past 20,000
    characters or a few seconds of CPU, with the message."""
    from readside import scan
    from readside.queries import Database, NoDatabase

    text = read_stdin() if args.file == "-" else read_text_file(Path(args.file))
    try:
        result = scan.scan(Database(args.db or default_db()), text, args.lang, args.cited_revision,
                           title="-" if args.file == "-" else Path(args.file).name)
    except (ValueError, NoDatabase) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    output = {"csv": scan.as_csv, "markdown": scan.as_markdown}.get(args.format, scan.as_table)(result)
    print(output, end="" if output.endswith("\n") else "\n")
    if args.save_yaml:
        name = "scanned-text" if args.file == "-" else Path(args.file).stem
        write_output(args.save_yaml, scan.registry_yaml(result, scan.slug(name), name).encode("utf-8"))
        print(f"registry YAML written to {args.save_yaml}", file=sys.stderr)
    return 0


def run_claims(args: argparse.Namespace) -> int:
    """The secretariat's pre-meeting check; non-zero with --fail-on so a scheduled job can alert."""
    from readside import claims_report
    from readside.queries import Database, NoDatabase

    if args.claims_command == "scan":
        return run_claims_scan(args)
    try:
        text, reached = claims_report.run_check(Database(args.db or default_db()), args.format, args.fail_on)
    except (ValueError, NoDatabase) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(text, end="" if text.endswith("\n") else "\n")
    if reached:
        print(f"claims check: status {reached} reached", file=sys.stderr)
        return 1
    return 0


def run_availability(args: argparse.Namespace) -> int:
    """Who publishes what, up to which year: the `availability` view as text, CSV or Markdown."""
    from readside import availability
    from readside.queries import Database, NoDatabase

    try:
        frame = availability.listing(Database(args.db or default_db()), args.grouping)
    except (ValueError, NoDatabase) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(availability.render(frame, args.format), end="")
    return 0


def run_brief(args: argparse.Namespace) -> int:
    """Write one brief; exit 2 naming the problem (unknown subject, no database, no Chromium)."""
    from readside.documents.render import PdfError, file_name, render
    from readside.documents.subjects import BriefError, parse_subject
    from readside.queries import Database, NoDatabase

    db = Database(args.db or default_db())
    try:
        subject = parse_subject(db, area=args.area, group=args.group, theme=args.theme)
        data = render(db, subject, args.lang, args.format)
    except BriefError as exc:
        print(f"error: {exc.message('en')}", file=sys.stderr)
        return 2
    except (NoDatabase, PdfError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = args.out or Path(file_name(db, subject, args.lang, args.format))
    write_output(out, data)
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0


def read_text_file(path: Path) -> str:
    """A text file's content, or a UsageError saying in one line why it cannot be read."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not a text file") from None
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    return read_text(data, str(path))


def read_stdin() -> str:
    """Standard input as text: its bytes checked like a file's (a text stream, as in tests, as is)."""
    raw = getattr(sys.stdin, "buffer", None)
    return read_text(raw.read(), "standard input") if raw is not None else read_text(sys.stdin.read().encode(), "standard input")


def read_text(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark allowed); binary or another encoding is refused, not guessed."""
    if b"\x00" in data:
        raise UsageError(f"{name} is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
                         "save it as UTF-8 and try again") from None


def write_output(path: Path, data: bytes) -> None:
    """Write a command's output file, or a UsageError naming the path and the reason."""
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"cannot write {path}: it is a folder") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def run_changes(args: argparse.Namespace) -> int:
    """What the last build changed (new vintages and years, revised figures, claims whose status moved)."""
    from readside import changes
    from readside.queries import Database, NoDatabase

    try:
        text = changes.render(Database(args.db or default_db()), args.format)
    except NoDatabase as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(text, end="" if text.endswith("\n") else "\n")
    return 0


def run_report(args: argparse.Namespace) -> int:
    """Write the regional report; exit 2 naming the problem (no database, no Chromium)."""
    from readside.documents.render import PdfError
    from readside.documents.report_render import file_name, render_report
    from readside.queries import Database, NoDatabase

    try:
        data = render_report(Database(args.db or default_db()), args.lang, args.format)
    except (NoDatabase, PdfError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = args.out or Path(file_name(args.lang, args.format))
    write_output(out, data)
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0


def run_snapshot(args: argparse.Namespace) -> int:
    out = export_snapshot(args.db or default_db(), args.out)
    print(f"snapshot written to {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    commands = {"etl": run_etl, "serve": run_serve, "snapshot": run_snapshot, "claims": run_claims,
                "availability": run_availability, "brief": run_brief, "changes": run_changes,
                "report": run_report}
    try:
        return commands[args.command](args)
    except EtlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("the previous database (if any) was left unchanged", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug or an unforeseen input: one line, never a traceback for users
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        detail = " ".join(str(exc).split())[:300]
        print(f"error: {type(exc).__name__}: {detail} (set {DEBUG_ENV}=1 to see where)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
