"""Prefilters: which rules can match a chunk, and from where confirmation must start.

Both return {rule index: start offset}. They may over-report, never under-report, so the
confirmation step gives the same findings whichever prefilter ran.
"""
from __future__ import annotations


class KeywordPrefilter:
    """Portable path: Aho-Corasick over the rules' keywords (rules without keywords always run)."""

    def __init__(self, rules: list):
        import ahocorasick

        self.always = [i for i, rule in enumerate(rules) if not rule.keywords]
        self.automaton = ahocorasick.Automaton()
        by_keyword: dict[str, list[int]] = {}
        for index, rule in enumerate(rules):
            for keyword in rule.keywords:
                # Latin-1 maps bytes one to one, so byte content can be searched as text.
                by_keyword.setdefault(keyword.encode("utf-8").decode("latin-1"), []).append(index)
        for keyword, indexes in by_keyword.items():
            self.automaton.add_word(keyword, tuple(indexes))
        self.empty = not by_keyword
        if not self.empty:
            self.automaton.make_automaton()

    def candidates(self, data: bytes) -> dict[int, int]:
        hits = dict.fromkeys(self.always, 0)
        if not self.empty:
            for _, indexes in self.automaton.iter(data.lower().decode("latin-1")):
                hits.update(dict.fromkeys(indexes, 0))
        return hits


class HyperscanPrefilter:
    """One Hyperscan database over every rule, in prefilter mode, one report per rule."""

    def __init__(self, database, rules: list, unsupported: list[int]):
        self.database = database
        self.always = unsupported
        self.starts = [rule.max_width for rule in rules]

    def candidates(self, data: bytes) -> dict[int, int]:
        hits = dict.fromkeys(self.always, 0)
        starts = self.starts

        def on_match(rule_index, _start, end, _flags, _context):
            width = starts[rule_index]
            # A true match ends at or after the first prefilter end, so it starts no earlier
            # than that end minus the longest possible match.
            hits[rule_index] = 0 if width is None else max(0, end - width)

        self.database.scan(data, match_event_handler=on_match)
        return hits
