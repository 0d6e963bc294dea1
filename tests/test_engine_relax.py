"""Relaxed prefilter patterns: cheap for Hyperscan to compile, never missing a true match."""
import pytest
import regex

from scanner.engine.relax import relaxed

hyperscan = pytest.importorskip("hyperscan")


@pytest.mark.parametrize("pattern, expected", [
    (r"a{2,60}", r"a{2,}"),
    (r"(?:\s{1,16}[A-Za-z0-9+/=]{4,80}){1,400}", r"(?:\s{1,16}[A-Za-z0-9+/=]{4,}){1,}"),
    (r"[a-f0-9]{64}", r"[a-f0-9]{32,}"),
    (r"[a-f0-9]{40}x{3,48}y{5}z{2,}", r"[a-f0-9]{40}x{3,48}y{5}z{2,}"),
    (r"[{1,60}]\{1,60\}", r"[{1,60}]\{1,60\}"),
    (r"[]{1,60}]x{1,60}", r"[]{1,60}]x{1,}"),
    (r"[^]{1,60}]x", r"[^]{1,60}]x"),
    (r"[\]{1,60}]x", r"[\]{1,60}]x"),
    (r"a{,60}", r"a{,60}"),
])
def test_wide_repeats_are_opened_up(pattern, expected):
    assert relaxed(pattern) == expected


def test_every_default_rule_relaxes_to_a_superset(default_rules):
    """Hyperscan, given the relaxed patterns, still reports the end of every true match."""
    from scanner.engine.hscache import load_or_build

    rules = [rule for rule in default_rules if not rule.is_path_only]
    database, unsupported = load_or_build(rules)
    missed = []
    for index, rule in enumerate(rules):
        if index in unsupported:
            continue
        assert regex.compile(relaxed(rule.regex)) is not None
        for example in rule.positive:
            data = example.encode()
            ends = {m.end() for m in rule.matcher.finditer(data)}
            reported = set()
            database.scan(data, match_event_handler=lambda i, _s, e, _f, _c: i == index and reported.add(e))
            # A rule of unbounded width reports once: confirmation then reads the whole chunk.
            found = bool(reported) if rule.max_width is None else ends <= reported
            if ends and not found:
                missed.append((rule.id, example))
    assert missed == []
