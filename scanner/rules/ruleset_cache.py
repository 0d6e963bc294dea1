"""Parsed rule sets cached on disk, so a hook run skips TOML parsing and validation.

Keyed by the exact bytes and paths of every pack plus the versions that could change how they
parse; stored as JSON (never pickle: a planted cache file must not be able to run code).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .. import __version__
from ..cache import cache_dir, code_digest, read_entry, write_entry
from ..digest import sha256
from ..record import fields
from .model import Rule, RuleSet

MAGIC = b"HUSHGATE-RULES3\n"
INIT_FIELDS = list(fields(Rule))
# Derived from the regex by parsing it, which costs more than loading the whole cache.
MEASURES = ("max_width", "lookahead_reach", "single_line")


def entry_path(packs: list[tuple[str, bytes, bool]]):
    digest = sha256(MAGIC + f"{__version__}\0{regex_identity()}\0{sys.version}".encode())
    digest.update(code_digest(*sorted(Path(__file__).parent.glob("*.py"))))
    for name, raw, builtin in packs:
        digest.update(f"\0{name}\0{int(builtin)}\0{len(raw)}\0".encode() + raw)
    return cache_dir() / f"rules-{digest.hexdigest()[:32]}.json"


def regex_identity() -> str:
    """Which `regex` would compile the rules (a new one may refuse a pattern the old accepted),
    told by its installed file rather than by importing it: a hook without candidates never does."""
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("regex")
    if spec is None or not spec.origin:
        return "none"
    status = os.stat(spec.origin)
    return f"{spec.origin}\0{status.st_size}\0{status.st_mtime_ns}"


def cached_ruleset(packs: list[tuple[str, bytes, bool]]) -> RuleSet | None:
    entry = read_entry(entry_path(packs), MAGIC)
    if entry is None:
        return None
    try:
        data = json.loads(entry[1])
        if data["fields"] != INIT_FIELDS:
            return None
        return RuleSet(rules=[rule_from_row(row) for row in data["rules"]],
                       warnings=list(data["warnings"]), digest=data["digest"])
    except (ValueError, KeyError, TypeError):
        return None


def store_ruleset(packs: list[tuple[str, bytes, bool]], ruleset: RuleSet) -> None:
    """Rules as rows of values (field names once): half the parsing of one object per rule."""
    if ruleset.allowlists:  # not part of the format: never cache a rule set it would shrink
        return
    rows = [[getattr(rule, name) for name in INIT_FIELDS]
            + [{name: getattr(rule, name) for name in MEASURES} if rule.regex is not None else {}]
            for rule in ruleset]
    try:
        payload = json.dumps({"fields": INIT_FIELDS, "rules": rows, "warnings": ruleset.warnings,
                              "digest": ruleset.digest})
    except (TypeError, ValueError):  # a field JSON cannot hold: run uncached rather than wrong
        return
    write_entry(entry_path(packs), MAGIC, payload.encode("utf-8"))


def rule_from_row(row: list) -> Rule:
    *values, measures = row
    rule = Rule(*[tuple(value) if isinstance(value, list) else value for value in values])
    rule.__dict__.update((k, measures[k]) for k in MEASURES if k in measures)  # fills cached_property
    return rule
