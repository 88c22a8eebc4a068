"""`migdash` command line: etl, serve, snapshot."""

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
    build_from_snapshot,
    export_snapshot,
    is_current_schema,
)
from etl.errors import EtlError
from etl.fetch import FetchPolicy

log = logging.getLogger("migdash")


def default_db() -> Path:
    return Path(os.environ.get("MIGDASH_DB", DEFAULT_DB))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="migdash", description="Migration statistics for the Americas.")
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
                     help="exit 3 if any source was unreachable or not loaded (the build still completes)")
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

    snap = sub.add_parser("snapshot", help="write the bundled offline snapshot from a database")
    snap.add_argument("--db", type=Path, default=None)
    snap.add_argument("--out", type=Path, default=SNAPSHOT_DIR)
    return top


def run_etl(args: argparse.Namespace) -> int:
    db = args.db or default_db()
    if args.from_snapshot:
        result = build_from_snapshot(db, Path(args.from_snapshot))
        print(f"built {db} from snapshot {args.from_snapshot}: {result.row_counts}")
        return 0
    mirrors = parse_mirrors(args.mirror)
    result = build(
        db, mirrors=mirrors, cache_dir=args.cache, force=args.force,
        policy=FetchPolicy(timeout=args.timeout), show_progress=not args.quiet, save_to=args.save_mirror,
    )
    for note in result.skipped:
        print(f"note: {note}", file=sys.stderr)
    if result.changed:
        print(f"built {db} (build {result.build_id}): {result.row_counts}")
    else:
        print(f"{db} is up to date (inputs unchanged, build {result.build_id}); use --force to rebuild")
    if result.saved_mirror:
        print(result.saved_mirror)
    return 3 if args.strict and result.skipped else 0


def parse_mirrors(values: list[str]) -> dict[str, str]:
    """['DIR', 'worldbank=http://...'] -> {'undesa_ims': 'DIR', 'worldbank': 'http://...'}."""
    known = {"undesa_ims", *INDICATOR_SOURCES}
    mirrors: dict[str, str] = {}
    for value in values:
        name, sep, location = value.partition("=")
        if sep and name in known:
            mirrors[name] = location
        elif sep and "/" not in name and ":" not in name:
            raise SystemExit(f"migdash etl: unknown source {name!r} in --mirror; known: {sorted(known)}")
        else:
            mirrors["undesa_ims"] = value
    return mirrors


def run_serve(args: argparse.Namespace) -> int:
    db = args.db or default_db()
    if not db.exists():
        print(f"no database at {db}: building it from the bundled snapshot {SNAPSHOT_DIR}")
        build_from_snapshot(db)
    elif not is_current_schema(db):
        print(f"{db} was built by an older migdash (another table layout): rebuilding it from the bundled "
              f"snapshot {SNAPSHOT_DIR}; run `migdash etl` to reload every source")
        build_from_snapshot(db)
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

    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
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
        args.save_yaml.write_text(scan.registry_yaml(result, scan.slug(name), name), encoding="utf-8")
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
    out.write_bytes(data)
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
                "availability": run_availability, "brief": run_brief}
    try:
        return commands[args.command](args)
    except EtlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("the previous database (if any) was left unchanged", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
