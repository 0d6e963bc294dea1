"""Options shared by every scanning command, and the one way they turn into a Scanner and reports."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import HushgateError
from ..findings import CONFIDENCE_LEVELS, SEVERITY_LEVELS, severity_rank
from ..report import FORMATS

REPORT_FORMATS = tuple(FORMATS)


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("rules")
    group.add_argument("--rules", action="append", default=[], metavar="FILE|DIR",
                       help="extra rule pack(s); they extend the default rules")
    group.add_argument("--no-default-rules", action="store_true",
                       help="scan only with the packs given by --rules or the config")
    group.add_argument("--config", metavar="FILE", help="config file (default: nearest .hushgate.toml "
                       "or [tool.hushgate] in pyproject.toml)")
    group.add_argument("--gitleaks-config", metavar="FILE",
                       help="import a gitleaks config's rules and allowlists (default: .gitleaks.toml at "
                       "the repository root, if any; 'none' to ignore it); see docs/gitleaks.md")


def with_gitleaks(ruleset, args, start: Path):
    """The ruleset plus --gitleaks-config, or the .gitleaks.toml found at the scanned repository's
    root (announced on stderr, since it changes what is reported)."""
    import sys

    from ..project_files import find_gitleaks_config

    path = getattr(args, "gitleaks_config", None)
    if path == "none":
        return ruleset
    if path is None:
        path = find_gitleaks_config(start)
        if path is None:
            return ruleset
        print(f"hushgate: using gitleaks config {path} (--gitleaks-config none to ignore it)", file=sys.stderr)
    from ..rules.gitleaks import apply_gitleaks_config, load_gitleaks_config

    merged = apply_gitleaks_config(ruleset, load_gitleaks_config(Path(path)))
    for warning in merged.warnings[len(ruleset.warnings):]:
        print(f"hushgate: warning: {warning}", file=sys.stderr)
    return merged


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    add_engine_options(parser)
    add_output_options(parser)
    add_triage_options(parser)


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    add_rule_options(parser)
    group = parser.add_argument_group("scanning")
    group.add_argument("--engine", choices=("auto", "hyperscan", "portable"), default="auto",
                       help="prefilter: Hyperscan, or the portable keyword path (default: auto)")
    group.add_argument("--min-confidence", choices=CONFIDENCE_LEVELS, default=None,
                       help="report findings at or above this confidence (default: low)")
    group.add_argument("-j", "--jobs", type=positive_int, default=None,
                       help="worker processes (default: all cores)")
    group.add_argument("--regex-timeout", type=seconds, default=None, metavar="SECONDS",
                       help="time one rule may spend on one chunk; a rule that runs out is skipped there "
                       "and named in the errors (default: $HUSHGATE_REGEX_TIMEOUT or 2)")
    group.add_argument("--max-decode-depth", type=whole_number, default=None, metavar="N",
                       help="layers of base64/hex/percent encoding to decode, 0 for none (default: 2)")
    group.add_argument("--max-decoded-size", type=size, default=None, metavar="SIZE",
                       help="decoded bytes per chunk over all layers (default: 1M)")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("-f", "--format", choices=REPORT_FORMATS, default="console", help="report format")
    group.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    group.add_argument("--report", action="append", default=[], metavar="FORMAT:FILE",
                       help="also write a report in FORMAT to FILE (repeatable)")
    group.add_argument("--show-secrets", action="store_true",
                       help="print secrets in clear (default: redacted everywhere)")


def add_triage_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("triage (docs/baseline.md)")
    group.add_argument("--baseline", metavar="FILE",
                       help="report only findings not in this baseline (see `hushgate baseline create`)")
    group.add_argument("--ignore-file", metavar="FILE",
                       help="ignore entries with reasons and expiry dates (default: .hushgateignore at the "
                       "scan root or the repository root, if there is one)")
    group.add_argument("--fail-on", choices=SEVERITY_LEVELS, default=None, metavar="SEVERITY",
                       help=f"exit 1 only for findings at or above SEVERITY ({', '.join(SEVERITY_LEVELS)}; "
                       "default: any finding)")


def int_at_least(minimum: int):
    """An argparse type: a whole number no smaller than `minimum`."""
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value
    return convert


positive_int = int_at_least(1)
whole_number = int_at_least(0)


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"not a number of seconds above 0: {text!r}")
    return value


def size(text: str) -> int:
    """`10M`, `512k`, `1G` or a byte count."""
    from ..config import parse_size

    try:
        return parse_size(text)
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
    if hasattr(args, "format"):
        report_targets(args)  # a typo in --report fails now, not after a long scan
    load_triage(args, start or Path.cwd())
    packs = list(config.rules) + list(args.rules)
    ruleset = load_rules(packs, use_defaults=not (args.no_default_rules or config.no_default_rules))
    ruleset = with_gitleaks(ruleset, args, start or Path.cwd())
    min_confidence = args.min_confidence or config.min_confidence or "low"
    if min_confidence not in CONFIDENCE_LEVELS:
        raise HushgateError(f"{config.path}: min_confidence must be one of {', '.join(CONFIDENCE_LEVELS)}")
    args.fingerprint_key = resolve_key(start or Path.cwd())
    return Scanner(ruleset, engine=args.engine, min_confidence=min_confidence,
                   fingerprint_key=args.fingerprint_key, limits=limits(args))


def limits(args):
    """What one chunk may cost, from the command line over the defaults."""
    from ..engine.detector import Limits

    default = Limits()
    given = {"regex_timeout": getattr(args, "regex_timeout", None),
             "decode_depth": getattr(args, "max_decode_depth", None),
             "decoded_bytes": getattr(args, "max_decoded_size", None)}
    return Limits(**{name: getattr(default, name) if value is None else value for name, value in given.items()})


def load_triage(args, start: Path) -> None:
    """Read the baseline and the ignore file before scanning, so a broken one fails fast. Their
    parsers are imported only when there is one: a hook run usually has neither."""
    from ..project_files import find_ignore_file

    baseline = getattr(args, "baseline", None)
    args.loaded_baseline = None
    if baseline:
        from ..triage.baseline import load_baseline

        args.loaded_baseline = load_baseline(baseline)
    ignore_file = getattr(args, "ignore_file", None) or find_ignore_file(start)
    args.loaded_ignore = None
    if ignore_file:
        from ..triage.ignore import load_ignore_file

        args.loaded_ignore = load_ignore_file(ignore_file)


def covers_baseline(args) -> bool:
    """Whether this scan saw everything the baseline came from, so that an entry it did not find
    is stale rather than merely outside the scan (a staged-files hook sees almost nothing)."""
    baseline = args.loaded_baseline
    command = getattr(args, "command", None)
    if command == "history":
        return baseline.source == "history" and not (args.branch or args.since_commit)
    if command != "scan" or baseline.source != "files":
        return False
    home = Path(args.baseline).resolve().parent
    return any(p != "-" and Path(p).is_dir() and home.is_relative_to(Path(p).resolve()) for p in args.paths)


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


def emit(result, args, quiet_when_clean: bool = False) -> int:
    """Apply the baseline and ignore file, write every report, print notices, and return the exit
    code: 1 with a finding at or above --fail-on, else 0. A hook passes quiet_when_clean: a clean
    run then prints no console report (report files are still written)."""
    from ..report import write_report
    from ..triage.suppress import apply_triage

    baseline = args.loaded_baseline
    apply_triage(result, args.fingerprint_key, baseline, args.loaded_ignore,
                 check_stale=baseline is not None and covers_baseline(args),
                 baseline_name=f"baseline {args.baseline}" if baseline else "baseline")
    quiet = quiet_when_clean and not result.findings and not result.errors
    for fmt, path in report_targets(args):
        if not (quiet and fmt == "console" and path in (None, "-")):
            write_report(result, fmt, path, show_secrets=args.show_secrets)
    print_notices(result)
    threshold = severity_rank(args.fail_on or SEVERITY_LEVELS[0])
    return 1 if any(severity_rank(f.severity) >= threshold for f in result.findings) else 0


def print_notices(result) -> None:
    """Stale baseline entries, expired ignore entries: on stderr, so stdout stays a clean report."""
    notices = result.extra.get("notices", [])
    if not notices:  # as in most runs: then the escaping's pattern is never compiled
        return
    import sys

    from ..report.text import escape_control

    for notice in notices:
        print(f"hushgate: notice: {escape_control(notice)}", file=sys.stderr)


def jobs(args) -> int:
    return args.jobs or os.cpu_count() or 1
