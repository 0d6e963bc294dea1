"""Detector: bytes in, findings out. Knows nothing about where the bytes came from.

For one chunk: the prefilter says which rules can match where, the rules' regexes confirm,
the false-positive filters reject, encoded runs are decoded and scanned the same way (their
findings point at the encoded bytes), then overlaps and inline allow markers are resolved.
"""
from __future__ import annotations

import os

from ..findings import Finding, confidence_rank
from ..record import record
from . import filters
from .allow_markers import is_allowed_by_marker
from .decoders import encoded_runs
from .entropy import fits_charset, shannon_entropy
from .lines import lines_of
from .prefilter import matches_in


def seconds_from_env(name: str, default: float) -> float:
    text = os.environ.get(name, "")
    try:
        value = float(text) if text else default
    except ValueError:
        value = -1.0
    if not value > 0:
        from ..errors import HushgateError

        raise HushgateError(f"{name}={text!r}: expected a number of seconds above 0")
    return value


REGEX_TIMEOUT = seconds_from_env("HUSHGATE_REGEX_TIMEOUT", 2.0)
MAX_LINE_CONTEXT = 2048
PATHS_REMEMBERED = 4096  # history scans come back to the same paths, version after version
MAX_DECODE_DEPTH = 2
MAX_DECODED_BYTES = 1 << 20  # per chunk, over every layer


@record(frozen=True)
class Limits:
    """What one chunk may cost: seconds per rule's confirmation regex, layers of encoding
    decoded (0: none), and bytes decoded over all layers."""
    regex_timeout: float = REGEX_TIMEOUT
    decode_depth: int = MAX_DECODE_DEPTH
    decoded_bytes: int = MAX_DECODED_BYTES


class RuleTimeout(Exception):
    """Rules whose confirmation regex ran out of time on a chunk. Raised once every other rule
    has run: `findings` holds everything found, so a caller keeps them and records the timeout."""

    def __init__(self, rule_ids, findings=()):
        self.rule_ids = sorted(set(rule_ids))
        self.findings = list(findings)
        names = ", ".join(f"'{rule_id}'" for rule_id in self.rule_ids)
        super().__init__(f"rule{'s' if len(self.rule_ids) > 1 else ''} {names} ran out of time (--regex-timeout) "
                         f"and {'were' if len(self.rule_ids) > 1 else 'was'} skipped on part of this file")

    def __reduce__(self):
        return RuleTimeout, (self.rule_ids, self.findings)


def make_prefilter(rules: list, engine: str = "auto"):
    """Hyperscan when available (and not turned off), else keyword Aho-Corasick."""
    from .prefilter import HyperscanPrefilter, KeywordPrefilter

    if engine in ("auto", "hyperscan") and rules:
        try:
            from .hscache import load_or_build

            database, left_out = load_or_build(rules)
            return HyperscanPrefilter(database, rules, left_out)
        except ImportError:
            if engine == "hyperscan":
                from ..errors import HushgateError

                raise HushgateError("--engine hyperscan: the hyperscan package is not installed") from None
    return KeywordPrefilter(rules)


class Detector:
    def __init__(self, ruleset, engine: str = "auto", limits: Limits = Limits()):
        self.limits = limits
        self.content_rules = [rule for rule in ruleset if not rule.is_path_only]
        self.path_rules = [rule for rule in ruleset if rule.is_path_only]
        self.allowlists = list(getattr(ruleset, "allowlists", ()))
        self.prefilter = make_prefilter(self.content_rules, engine)
        # Rules confined to some files by their path: the Hyperscan prefilter reports them for
        # every chunk, so which apply to a file is settled once per file, not once per chunk.
        self.confined = [i for i, rule in enumerate(self.content_rules) if rule.path]
        self.excluded_for: dict = {}  # path -> confined rules that do not apply to it

    def scan(self, data: bytes, path: str, base_offset: int = 0, base_line: int = 1) -> list[Finding]:
        """Findings in `data`; offsets and lines are shifted by the chunk's position in its file."""
        if any(allowlist.allows_whole_file(path) for allowlist in self.allowlists):
            return []
        timeouts: list[str] = []
        spans = self.scan_layer(data, path, depth=0, budget=[self.limits.decoded_bytes], timeouts=timeouts)
        findings = [f for f, _ in drop_generic_overlaps(spans) if not is_allowed_by_marker(data, f.offset)]
        for finding in findings:
            finding.line += base_line - 1
            finding.offset += base_offset
        if timeouts:
            raise RuleTimeout(timeouts, findings)
        return findings

    def scan_layer(self, data: bytes, path: str, depth: int, budget: list,
                   timeouts: list) -> list[tuple[Finding, int]]:
        """(finding, end offset) pairs of `data` and of the text its encoded runs decode to."""
        spans = self.match(data, path, timeouts)
        if depth >= self.limits.decode_depth:
            return spans
        for run in encoded_runs(data):
            budget[0] -= len(run.text)
            if budget[0] < 0:
                break
            for inner, inner_end in self.scan_layer(run.text, path, depth + 1, budget, timeouts):
                start, end = run.origin(inner.offset), run.origin(inner_end)
                line, column, end_column = locate(data, start, max(end, start + 1))
                layers = run.kind + ("/" + inner.decoded_from if inner.decoded_from else "")
                spans.append((inner.replace(line=line, column=column, end_column=end_column,
                                            offset=start, decoded_from=layers), end))
        return spans

    def match(self, data: bytes, path: str, timeouts: list) -> list[tuple[Finding, int]]:
        skip_generic = filters.skips_generic_rules(path)
        spans = []
        candidates = self.prefilter.candidates(data)
        for index in self.excluded(path):
            candidates.pop(index, None)
        provided: list = []  # secret spans of provider findings: a generic match on them loses anyway
        rules = self.content_rules
        # Provider rules first, so that generic matches on their bytes skip the filters' work.
        for index, windows in sorted(candidates.items(), key=lambda item: (rules[item[0]].is_generic, item[0])):
            rule = rules[index]
            if rule.is_generic and skip_generic:
                continue
            if any(a.applies_to(rule.id) and a.allows_whole_file(path) for a in self.allowlists):
                continue
            try:
                found = self.confirm(rule, data, windows, path, provided if rule.is_generic else ())
            except TimeoutError:  # skip this rule on this chunk; the others still run
                timeouts.append(rule.id)
                continue
            spans.extend(found)
            if not rule.is_generic:
                provided.extend((finding.offset, end) for finding, end in found)
        return spans

    def excluded(self, path: str) -> list[int]:
        """The path-confined rules that do not apply to `path`."""
        excluded = self.excluded_for.get(path)
        if excluded is None:
            if len(self.excluded_for) >= PATHS_REMEMBERED:
                self.excluded_for.clear()
            rules = self.content_rules
            excluded = self.excluded_for[path] = [i for i in self.confined if not rules[i].path_matcher.search(path)]
        return excluded

    def scan_path_name(self, path: str) -> list[Finding]:
        """Findings from file-name rules (private key files, keystores, credential files)."""
        return [
            Finding(rule_id=rule.id, title=rule.title, path=path, line=0, column=0, end_column=0,
                    secret=path.rsplit("/", 1)[-1], severity=rule.severity,
                    confidence=rule.confidence, remediation=rule.remediation, tags=rule.tags)
            for rule in self.path_rules if rule.path_matcher.search(path)
            and not any(a.applies_to(rule.id) and a.allows_whole_file(path) for a in self.allowlists)
        ]

    def confirm(self, rule, data: bytes, windows: list, path: str, taken=()) -> list[tuple[Finding, int]]:
        """Raises TimeoutError when the rule's regex runs out of time. Matches whose secret
        overlaps a `taken` span are dropped unjudged."""
        found = []
        for match in matches_in(rule.matcher, data, windows, self.limits.regex_timeout):
            start, end = match.span(rule.secret_group) if rule.secret_group is not None else (0, 0)
            if any(start < stop and begin < end for begin, stop in taken):
                continue
            finding = self.make_finding(rule, data, match, path)
            if finding is not None:
                found.append((finding, match.end(rule.secret_group)))
        return found

    def make_finding(self, rule, data: bytes, match, path: str) -> Finding | None:
        group = rule.secret_group
        raw = match.group(group)
        if not raw:
            return None
        secret = raw.decode("utf-8", "replace")
        entropy = shannon_entropy(secret)
        if entropy < rule.entropy or not fits_charset(secret, rule.charset):
            return None
        if any(allow.search(secret, timeout=self.limits.regex_timeout) for allow in rule.allow_matchers):
            return None
        start, end = match.span(group)
        lines = lines_of(data)
        line_start, _ = lines.span(start)
        _, line_end = lines.span(end)
        if rule.is_generic and filters.is_minified_line(path, line_end - line_start):
            return None
        line_text = data[max(line_start, start - MAX_LINE_CONTEXT):min(line_end, end + MAX_LINE_CONTEXT)]
        line_text = line_text.decode("utf-8", "replace")
        judged = filters.verdict(secret, line_text, rule.tags, path)
        if judged == filters.REJECT:
            return None
        if self.allowlisted(rule.id, secret, match.group().decode("utf-8", "replace"), line_text, path):
            return None
        line, column, end_column = locate(data, start, end)
        doubtful = judged == filters.DOUBT or filters.lowers_confidence(path)
        confidence = "low" if doubtful else rule.confidence
        return Finding(
            rule_id=rule.id, title=rule.title, path=path, line=line, column=column, end_column=end_column,
            secret=secret, entropy=entropy, severity=rule.severity, confidence=confidence,
            remediation=rule.remediation, tags=rule.tags, offset=start,
        )

    def allowlisted(self, rule_id: str, secret: str, match: str, line: str, path: str) -> bool:
        return any(a.applies_to(rule_id) and a.allows(secret, match, line, path) for a in self.allowlists)


def locate(data: bytes, start: int, end: int) -> tuple[int, int, int]:
    """1-based line and column of `start`, and the column just past `end` (counted in
    characters, on the start line's numbering when the span covers several lines)."""
    lines = lines_of(data)
    column = lines.column(start)
    return lines.number(start), column, column + len(data[start:end].decode("utf-8", "replace"))


def drop_generic_overlaps(spans: list[tuple[Finding, int]]) -> list[tuple[Finding, int]]:
    """A provider rule and a generic rule on the same bytes: keep the provider's finding. Two
    generic rules on the same bytes: keep the more confident one (the earlier rule on a tie)."""
    taken = [(f.offset, end) for f, end in spans if "generic" not in f.tags]
    generic = [pair for pair in spans if "generic" in pair[0].tags]
    if not generic:
        return spans
    dropped = set()
    for pair in sorted(generic, key=lambda p: -confidence_rank(p[0].confidence)):
        finding, end = pair
        if any(start < end and finding.offset < stop for start, stop in taken):
            dropped.add(id(pair))
        else:
            taken.append((finding.offset, end))
    return [pair for pair in spans if id(pair) not in dropped]


def at_least(findings: list[Finding], min_confidence: str) -> list[Finding]:
    floor = confidence_rank(min_confidence)
    return [f for f in findings if confidence_rank(f.confidence) >= floor]
