"""Prefilters: which rules can match a chunk, and where confirmation must look.

Both return {rule index: windows}. A window (first, last, stop) says a match may start at an
offset in [first, last] and deciding it needs no byte at or past `stop` (None: anywhere, to
the end). Prefilters may over-report, never under-report, and `matches_in` turns windows into
exactly the matches `finditer` would give over the whole chunk, so the findings are the same
whichever prefilter ran.
"""
from __future__ import annotations

WHOLE = [(0, None, None)]
# How far past a match to show a rule whose lookahead has no bounded width. A lookahead cut
# short by the window's end lets through only matches the full-context check then rejects,
# unless it needs to see specific bytes further than this.
UNBOUNDED_REACH = 512
# How far back to look for the start of a hit's line (a minified file may have none).
LINE_LOOKBACK = 64 << 10
NEWLINE = ord("\n")


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

    def candidates(self, data: bytes) -> dict[int, list]:
        hits = dict.fromkeys(self.always, WHOLE)
        if not self.empty:
            for _, indexes in self.automaton.iter(data.lower().decode("latin-1")):
                hits.update(dict.fromkeys(indexes, WHOLE))
        return hits


def is_windowed(rule) -> bool:
    """Whether a rule's prefilter hits bound where its matches start: by its width, or by the
    line a hit ends on when no match can span lines."""
    return rule.max_width is not None or rule.single_line


class HyperscanPrefilter:
    """One Hyperscan database over the rules (see hscache for those it leaves out), in prefilter mode.

    A windowed rule reports every end offset, and a true match ending at e starts within
    [e - width, e] (and on e's line, for a single-line rule), so only those windows are
    confirmed: the `regex` engine reads a few hundred bytes around candidates instead of the
    whole chunk. Any other rule reports once and is confirmed over the whole chunk.
    """

    def __init__(self, database, rules: list, left_out: list[int]):
        self.database = database
        self.always = left_out  # rules the database does not hold: candidates everywhere
        self.widths = [rule.max_width if is_windowed(rule) else False for rule in rules]
        self.single_line = [rule.single_line for rule in rules]
        self.reaches = [UNBOUNDED_REACH if rule.lookahead_reach is None else rule.lookahead_reach
                        for rule in rules]

    def candidates(self, data: bytes) -> dict[int, list]:
        windows = dict.fromkeys(self.always, WHOLE)
        widths, single_line, reaches, size = self.widths, self.single_line, self.reaches, len(data)

        def on_match(rule_index, _start, end, _flags, _context):
            spans = windows.get(rule_index)
            if spans is WHOLE:
                return
            if spans:
                last = spans[-1]
                if end < last[2] and (end + reaches[rule_index] <= last[2]
                                      or last[2] <= size and data[last[2] - 1] == NEWLINE):
                    last[1] = end  # the common flood: more ends on a line the last window covers
                    return
            width = widths[rule_index]
            if width is False:
                windows[rule_index] = WHOLE
                return
            first = end - width if width is not None and end > width else 0
            stop = end + reaches[rule_index]
            if single_line[rule_index]:  # nothing it reads, lookaheads included, spans lines
                newline = data.rfind(b"\n", max(first, end - LINE_LOOKBACK), end)
                first = newline + 1 if newline >= 0 else first
                newline = data.find(b"\n", end, stop)
                stop = newline + 1 if newline >= 0 else stop
            if spans is None:
                windows[rule_index] = [[first, end, stop]]
            elif first <= spans[-1][1]:  # reports arrive in end order: extend the last window
                spans[-1][1:] = end, stop
            else:
                spans.append([first, end, stop])

        self.database.scan(data, match_event_handler=on_match)
        return windows


def matches_in(matcher, data: bytes, windows: list, timeout: float):
    """The matches `matcher.finditer(data)` gives that start inside the windows.

    A window is searched with its `stop` as the end of the text, so a match found there is
    re-checked against the whole chunk before it counts: an end of text can satisfy a `$`,
    `\\b` or negative lookahead that the real following bytes would not.
    """
    size, resume = len(data), 0
    for first, last, stop in windows:
        position = max(first, resume)
        last = size if last is None else last
        stop = size if stop is None or stop > size else stop
        while position <= last:
            found = matcher.search(data, position, stop, timeout=timeout)
            if found is None or found.start() > last:
                break
            match = found if stop == size else matcher.match(data, found.start(), timeout=timeout)
            if match is None:
                position = found.start() + 1
                continue
            yield match
            position = resume = match.end() if match.end() > match.start() else match.end() + 1
