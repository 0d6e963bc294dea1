"""Prove a rule pack's inline examples: every positive is found, no negative is."""
from __future__ import annotations

EXAMPLE_PATH = "example.txt"


def example_failures(ruleset, engine: str = "portable") -> list[str]:
    """One message per example that does not behave as its rule says."""
    from ..engine.detector import RuleTimeout
    from ..pipeline import Scanner

    scanner = Scanner(ruleset, engine=engine)
    failures = []
    for rule in ruleset:
        for expected, examples in ((True, rule.positive), (False, rule.negative)):
            for number, example in enumerate(examples, 1):
                try:
                    fired = rule_fires(scanner, rule, example)
                except RuleTimeout:
                    kind = "example ran out of time (--regex-timeout)"
                else:
                    if fired == expected:
                        continue
                    kind = "example not found" if expected else "example flagged"
                which = "positive" if expected else "negative"
                failures.append(f"{rule.source}: rule '{rule.id}': {which} {kind}: #{number} of "
                                f"{len(examples)}, {preview(example)}")
    return failures


def rule_fires(scanner, rule, example: str) -> bool:
    if rule.is_path_only:
        return bool(rule.path_matcher.search(example))
    path = rule.example_path or EXAMPLE_PATH
    return any(f.rule_id == rule.id for f in scanner.scan_bytes(example.encode("utf-8"), path))


def preview(example: str) -> str:
    """Examples should be fake, but a pack is sometimes written from real data and this output
    lands in CI logs: the example's number and its first characters (a quarter at most) find it,
    the rest stays in the pack."""
    from ..findings import redact
    from ..report.text import escape_control

    return escape_control(redact(example, keep=16))
