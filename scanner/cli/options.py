"""Options shared by every scanning command, and the one way they turn into a Scanner and reports."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import HushgateError
from ..findings import CONFIDENCE_LEVELS

REPORT_FORMATS = ("console", "json")


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("rules")
    group.add_argument("--rules", action="append", default=[], metavar="FILE|DIR",
                       help="extra rule pack(s); they extend the default rules")
    group.add_argument("--no-default-rules", action="store_true",
                       help="scan only with the packs given by --rules or the config")
    group.add_argument("--config", metavar="FILE", help="config file (default: nearest .hushgate.toml "
                       "or [tool.hushgate] in pyproject.toml)")


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    add_rule_options(parser)
    group = parser.add_argument_group("scanning")
    group.add_argument("--engine", choices=("auto", "hyperscan", "portable"), default="auto",
                       help="prefilter: Hyperscan, or the portable keyword path (default: auto)")
    group.add_argument("--min-confidence", choices=CONFIDENCE_LEVELS, default=None,
                       help="report findings at or above this confidence (default: low)")
    group.add_argument("-j", "--jobs", type=positive_int, default=None,
                       help="worker processes (default: all cores)")
    group = parser.add_argument_group("output")
    group.add_argument("-f", "--format", choices=REPORT_FORMATS, default="console", help="report format")
    group.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    group.add_argument("--report", action="append", default=[], metavar="FORMAT:FILE",
                       help="also write a report in FORMAT to FILE (repeatable)")
    group.add_argument("--show-secrets", action="store_true",
                       help="print secrets in clear (default: redacted everywhere)")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def size(text: str) -> int:
    """`10M`, `512k`, `1G` or a byte count."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    cleaned = text.strip().lower().removesuffix("b")
    try:
        if cleaned and cleaned[-1] in units:
            return int(float(cleaned[:-1]) * units[cleaned[-1]])
        return int(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 10M)") from None


def build_scanner(args, start: Path | None = None):
    """Scanner from the command line, the project's config and the defaults, in that order."""
    from ..config import load_config
    from ..fingerprints import resolve_key
    from ..pipeline import Scanner
    from ..rules import load_rules

    config = load_config(args.config, start)
    args.project_config = config
    packs = list(config.rules) + list(args.rules)
    ruleset = load_rules(packs, use_defaults=not (args.no_default_rules or config.no_default_rules))
    min_confidence = args.min_confidence or config.min_confidence or "low"
    if min_confidence not in CONFIDENCE_LEVELS:
        raise HushgateError(f"{config.path}: min_confidence must be one of {', '.join(CONFIDENCE_LEVELS)}")
    return Scanner(ruleset, engine=args.engine, min_confidence=min_confidence,
                   fingerprint_key=resolve_key(start or Path.cwd()))


def report_targets(args) -> list[tuple[str, str | None]]:
    """(format, file or None for stdout) for the main report and every --report."""
    targets = [(args.format, args.output)]
    for spec in args.report:
        fmt, sep, path = spec.partition(":")
        if not sep or not path or fmt not in REPORT_FORMATS:
            raise HushgateError(f"--report {spec!r}: expected FORMAT:FILE with FORMAT one of "
                                f"{', '.join(REPORT_FORMATS)}")
        targets.append((fmt, path))
    return targets


def emit(result, args) -> int:
    """Write every report and return the exit code: 1 with findings, else 0."""
    from ..report import write_report

    for fmt, path in report_targets(args):
        write_report(result, fmt, path, show_secrets=args.show_secrets)
    return 1 if result.findings else 0


def jobs(args) -> int:
    return args.jobs or os.cpu_count() or 1
