"""`hushgate org scan|triage|report`: many repositories, one SQLite datastore (docs/org.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..store.schema import STATUSES
from .options import REPORT_FORMATS, add_rule_options, positive_int, size


def configure(parser) -> None:
    commands = parser.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    configure_scan(commands.add_parser("scan", help="scan repositories into the datastore (incremental)",
                                       description="Scan every repository of the sources into the datastore; "
                                       "blobs and commits already scanned are not read again."))
    triage = commands.add_parser("triage", help="set or show the status of a secret",
                                 description="Set (or, without --status, show) the triage status of secrets.")
    triage.add_argument("fingerprints", nargs="+", metavar="FINGERPRINT", help="value fingerprint, or a unique prefix")
    triage.add_argument("--db", required=True, metavar="FILE", help="the datastore")
    triage.add_argument("--status", choices=STATUSES, help="new status")
    triage.add_argument("--note", default="", help="why (kept in the history)")
    report = commands.add_parser("report", help="report what the datastore holds",
                                 description="Findings across repositories, secrets in the most repositories first.")
    report.add_argument("--db", required=True, metavar="FILE", help="the datastore")
    report.add_argument("-f", "--format", choices=REPORT_FORMATS, default="console", help="report format")
    report.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    report.add_argument("--status", action="append", choices=STATUSES, default=[], help="only these statuses")
    report.add_argument("--repo", action="append", default=[], metavar="NAME", help="only these repositories")


def configure_scan(parser) -> None:
    parser.add_argument("sources", nargs="*", metavar="SOURCE",
                        help="a directory of repositories, or a file listing repository paths and clone URLs")
    parser.add_argument("--db", required=True, metavar="FILE", help="the datastore (created if missing)")
    github = parser.add_argument_group("GitHub")
    github.add_argument("--github-org", action="append", default=[], metavar="NAME",
                        help="every repository of this organisation (or user); token from GITHUB_TOKEN or --token")
    github.add_argument("--github-api-url", default=None, metavar="URL",
                        help="API base URL, for GitHub Enterprise (default: https://api.github.com)")
    github.add_argument("--token", default=None, help="GitHub token (prefer GITHUB_TOKEN: a command line is visible)")
    github.add_argument("--rate-limit-wait", type=seconds, default=300, metavar="SECONDS",
                        help="wait out an API rate limit up to this long, else stop (default: 300)")
    fetching = parser.add_argument_group("fetching")
    fetching.add_argument("--clone-dir", metavar="DIR", help="where URLs are mirrored (default: FILE.repos beside the db)")
    fetching.add_argument("--all-refs", action="store_true",
                          help="fetch every ref (pull requests too), not only branches and tags")
    fetching.add_argument("--fetch-jobs", type=positive_int, default=4, metavar="N", help="parallel fetches (default: 4)")
    add_rule_options(parser)
    scanning = parser.add_argument_group("scanning")
    scanning.add_argument("--engine", choices=("auto", "hyperscan", "portable"), default="auto")
    scanning.add_argument("--min-confidence", choices=("low", "medium", "high"), default=None)
    scanning.add_argument("--max-file-size", type=size, default=None, metavar="SIZE",
                          help="skip blobs larger than SIZE (default: 10M)")
    scanning.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip paths matching GLOB")
    where = scanning.add_mutually_exclusive_group()
    where.add_argument("-j", "--jobs", type=positive_int, default=None, help="local worker processes (default: all cores)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--no-progress", action="store_true", help="log lines instead of progress bars")
    parser.add_argument("--wait-for-lock", type=seconds, default=0, metavar="SECONDS",
                        help="when another scan uses the datastore, wait this long for it (default: refuse)")


def run(args) -> int:
    import sqlite3

    from ..store.db import datastore_error

    action = {"scan": run_scan, "triage": run_triage, "report": run_report}[args.org_command]
    try:
        return action(args)
    except sqlite3.Error as exc:
        raise datastore_error(args.db, exc) from None


def run_scan(args) -> int:
    from ..org.scan_session import ScanSession

    session = ScanSession(args)
    try:
        totals = session.run()
    except KeyboardInterrupt:
        print(session.summary(interrupted=True), file=sys.stderr)
        return 130
    print(session.summary())
    return session.exit_code(totals)


def run_triage(args) -> int:
    from ..store import triage
    from ..store.db import open_datastore

    connection = open_datastore(args.db)
    fingerprints = [triage.resolve_fingerprint(connection, text) for text in args.fingerprints]
    for fingerprint in fingerprints:
        if args.status:
            previous = triage.set_status(connection, fingerprint, args.status, args.note)
            print(f"{fingerprint}: {previous} -> {args.status}")
            continue
        status, note, updated = triage.current(connection, fingerprint)
        print(f"{fingerprint}: {status}" + (f" since {updated}" if updated else "") + (f": {note}" if note else ""))
        for changed, who, previous, new, why in triage.history(connection, fingerprint):
            print(f"  {changed} {who or '?'}: {previous} -> {new}" + (f": {why}" if why else ""))
    return 0


def run_report(args) -> int:
    from ..org import console
    from ..org.report import build_report
    from ..report import render, wants_color, write_atomically
    from ..store.db import open_datastore

    connection = open_datastore(args.db)
    result = build_report(connection, tuple(args.status), tuple(args.repo))
    to_stdout = args.output in (None, "-")
    color = to_stdout and wants_color(sys.stdout)
    text = console.render(result, color=color) if args.format == "console" else render(result, args.format, color=color)
    if to_stdout:
        sys.stdout.write(text)
    else:
        write_atomically(Path(args.output), text)
    return 1 if any(f.extra["status"] == "open" for f in result.findings) else 0


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value
