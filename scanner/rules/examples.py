"""Prove a rule pack's inline examples: every positive is found, no negative is."""
from __future__ import annotations

EXAMPLE_PATH = "example.txt"


def example_failures(ruleset, engine: str = "portable") -> list[str]:
    """One message per example that does not behave as its rule says."""
    from ..pipeline import Scanner

    scanner = Scanner(ruleset, engine=engine)
    failures = []
    for rule in ruleset:
        for expected, examples in ((True, rule.positive), (False, rule.negative)):
            for example in examples:
                if rule_fires(scanner, rule, example) != expected:
                    kind = "positive example not found" if expected else "negative example flagged"
                    failures.append(f"{rule.source}: rule '{rule.id}': {kind}: {shorten(example)}")
    return failures


def rule_fires(scanner, rule, example: str) -> bool:
    if rule.is_path_only:
        return bool(rule.path_matcher.search(example))
    path = rule.example_path or EXAMPLE_PATH
    return any(f.rule_id == rule.id for f in scanner.scan_bytes(example.encode("utf-8"), path))


def shorten(text: str, limit: int = 60) -> str:
    """Examples are fake, but keep messages short and on one line."""
    flat = text.replace("\n", "\\n")
    return flat if len(flat) <= limit else flat[:limit] + "..."
