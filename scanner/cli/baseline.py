"""`hushgate baseline create|prune`: accept today's findings once, then drop the ones that are gone."""
from __future__ import annotations

from pathlib import Path

from ..errors import HushgateError
from ..triage.baseline import DEFAULT_BASELINE
from .options import add_engine_options, print_notices
from .scan import add_file_options


def configure(parser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="record every current finding in a baseline file",
                                description="Scan PATH and record every finding in a baseline: scans with "
                                "--baseline then report only new findings. Re-running keeps the entries "
                                "that are still found unchanged.")
    create.add_argument("-o", "--output", metavar="FILE", default=DEFAULT_BASELINE,
                        help=f"baseline file to write (default: {DEFAULT_BASELINE})")
    create.add_argument("--history", action="store_true",
                        help="baseline every secret in the git history of PATH, not only its current files")
    create.add_argument("--ignore-file", metavar="FILE",
                        help="findings this ignore file suppresses stay out of the baseline (default: "
                        ".hushgateignore at PATH or the repository root, if there is one)")
    prune = actions.add_parser("prune", help="drop the entries a new scan no longer finds",
                               description="Scan PATH again (its history, for a baseline made with "
                               "--history) and remove the baseline entries that are no longer found.")
    prune.add_argument("--baseline", metavar="FILE", default=DEFAULT_BASELINE,
                       help=f"baseline file to prune in place (default: {DEFAULT_BASELINE})")
    for sub in (create, prune):
        sub.add_argument("path", nargs="?", default=".", metavar="PATH",
                         help="folder or repository to scan (default: .)")
        add_engine_options(sub)
        add_file_options(sub)


def run(args) -> int:
    return create(args) if args.action == "create" else prune(args)


def create(args) -> int:
    from ..fingerprints import key_id
    from ..triage.baseline import baseline_from_findings, load_baseline, write_baseline
    from ..triage.suppress import apply_triage

    source = "history" if args.history else "files"
    previous = load_baseline(args.output) if Path(args.output).exists() else None
    result = scan(args, source)
    current = key_id(args.fingerprint_key)
    if previous is not None and previous.key_id != current:
        raise HushgateError(f"{args.output} was made with fingerprint key {previous.key_id}, this scan uses "
                            f"{current}: use the team's key (docs/baseline.md), or delete the file to start over")
    apply_triage(result, args.fingerprint_key, ignore=args.loaded_ignore)
    print_notices(result)
    baseline = baseline_from_findings(result.findings, current, source,
                                      previous if previous is not None and previous.source == source else None)
    write_baseline(baseline, args.output)
    before = previous.identities() if previous is not None else set()
    added = len(baseline.identities() - before)
    dropped = len(before - baseline.identities())
    print(f"{args.output}: {len(baseline.entries)} entr{'ies' if len(baseline.entries) != 1 else 'y'} "
          f"({added} added, {dropped} no longer found) from {source} of {args.path}")
    return 0


def prune(args) -> int:
    from ..fingerprints import key_id
    from ..report.text import escape_control
    from ..triage.baseline import load_baseline, write_baseline

    baseline = load_baseline(args.baseline)
    result = scan(args, baseline.source)
    if baseline.key_id != key_id(args.fingerprint_key):
        raise HushgateError(f"{args.baseline} was made with fingerprint key {baseline.key_id}, this scan uses "
                            f"{key_id(args.fingerprint_key)}: pruning would drop every entry (docs/baseline.md)")
    seen = {(f.fingerprint, f.rule_id) for f in result.findings}
    stale = [entry for entry in baseline.entries if entry.identity not in seen]
    baseline.entries = [entry for entry in baseline.entries if entry.identity in seen]
    if stale:
        write_baseline(baseline, args.baseline)
    for entry in stale:
        print(f"dropped {escape_control(entry.describe())}")
    print(f"{args.baseline}: {len(baseline.entries)} kept, {len(stale)} dropped")
    return 0


def scan(args, source: str):
    """Findings of PATH's files or history, through the same code as `scan` and `history`."""
    if source == "history":
        return scan_history(args)
    from .scan import scan_files

    args.paths = [args.path]
    return scan_files(args)


def scan_history(args):
    """Every ref's history, as `hushgate history` with no --branch or --since-commit scans it."""
    from ..sources.git import discover
    from ..sources.history import DEFAULT_MAX_BLOB, choose_revisions, scan_history as scan_revisions
    from .options import build_scanner

    repo = discover(args.path)
    repo_dir = repo.work_tree or repo.git_dir
    scanner = build_scanner(args, start=Path(repo_dir))
    config = args.project_config
    max_size = args.max_file_size or config.max_file_size or DEFAULT_MAX_BLOB
    return scan_revisions(scanner, repo_dir, choose_revisions(repo_dir, None, None),
                          tuple(args.exclude) + tuple(config.exclude), max_size)
