"""`hushgate rules list|test|compile`: inspect, prove and prime rule packs."""
from __future__ import annotations

import json
import sys

from .options import add_rule_options


def configure(parser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list the rules in use")
    add_rule_options(listing)
    listing.add_argument("--format", choices=("console", "json"), default="console")
    testing = actions.add_parser("test", help="prove every rule's positive and negative examples")
    testing.add_argument("packs", nargs="*", metavar="PACK", help="pack files or folders (default: the rules in use)")
    add_rule_options(testing)
    compiling = actions.add_parser("compile", help="compile and cache the Hyperscan database now")
    add_rule_options(compiling)


def load(args):
    from ..config import load_config
    from ..rules import load_rules

    config = load_config(args.config)
    packs = list(config.rules) + list(args.rules) + list(getattr(args, "packs", []))
    only_given = args.no_default_rules or config.no_default_rules or bool(getattr(args, "packs", []))
    ruleset = load_rules(packs, use_defaults=not only_given)
    for warning in ruleset.warnings:
        print(f"hushgate: warning: {warning}", file=sys.stderr)
    return ruleset


def run(args) -> int:
    ruleset = load(args)
    if args.action == "list":
        return list_rules(ruleset, args.format)
    if args.action == "test":
        return test_rules(ruleset)
    from ..engine.detector import make_prefilter

    prefilter = make_prefilter([r for r in ruleset if not r.is_path_only], engine="hyperscan")
    print(f"compiled {len(ruleset)} rules ({len(prefilter.always)} confirmed without prefilter)")
    return 0


def list_rules(ruleset, fmt: str) -> int:
    if fmt == "json":
        rows = [{"id": r.id, "title": r.title, "provider": r.provider, "severity": r.severity,
                 "confidence": r.confidence, "tags": list(r.tags), "source": r.source,
                 "examples": {"positive": len(r.positive), "negative": len(r.negative)}} for r in ruleset]
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(r.id) for r in ruleset)
    for rule in ruleset:
        print(f"{rule.id:<{width}}  {rule.severity:<8}  {rule.title}")
    providers = {r.provider or r.id for r in ruleset}
    print(f"{len(ruleset)} rules, {len(providers)} providers")
    return 0


def test_rules(ruleset) -> int:
    from ..rules.examples import example_failures

    failures = example_failures(ruleset)
    for failure in failures:
        print(failure)
    count = sum(len(r.positive) + len(r.negative) for r in ruleset)
    print(f"{len(ruleset)} rules, {count} examples: {count - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0
