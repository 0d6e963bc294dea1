"""Detector: bytes in, findings out. Knows nothing about where the bytes came from."""
from __future__ import annotations

import os


from ..findings import Finding, confidence_rank
from . import filters
from .entropy import fits_charset, shannon_entropy

REGEX_TIMEOUT = float(os.environ.get("HUSHGATE_REGEX_TIMEOUT", "2.0"))
MAX_LINE_CONTEXT = 2048


class RuleTimeout(Exception):
    def __init__(self, rule_id: str):
        super().__init__(f"rule '{rule_id}' timed out")
        self.rule_id = rule_id


def make_prefilter(rules: list, engine: str = "auto"):
    """Hyperscan when available (and not turned off), else keyword Aho-Corasick."""
    from .prefilter import HyperscanPrefilter, KeywordPrefilter

    if engine in ("auto", "hyperscan") and rules:
        try:
            from .hscache import load_or_build

            database, unsupported = load_or_build(rules)
            return HyperscanPrefilter(database, rules, unsupported)
        except ImportError:
            if engine == "hyperscan":
                from ..errors import HushgateError

                raise HushgateError("--engine hyperscan: the hyperscan package is not installed") from None
    return KeywordPrefilter(rules)


class Detector:
    def __init__(self, ruleset, engine: str = "auto"):
        self.content_rules = [rule for rule in ruleset if not rule.is_path_only]
        self.path_rules = [rule for rule in ruleset if rule.is_path_only]
        self.prefilter = make_prefilter(self.content_rules, engine)

    def scan(self, data: bytes, path: str, base_offset: int = 0, base_line: int = 1) -> list[Finding]:
        """Findings in `data`; offsets and lines are shifted by the chunk's position in its file."""
        findings = []
        for index, start in sorted(self.prefilter.candidates(data).items()):
            rule = self.content_rules[index]
            if rule.path_matcher is not None and not rule.path_matcher.search(path):
                continue
            findings.extend(self.confirm(rule, data, start, path))
        findings = drop_generic_overlaps(findings)
        for finding in findings:
            finding.line += base_line - 1
            finding.offset += base_offset
        return findings

    def scan_path_name(self, path: str) -> list[Finding]:
        """Findings from file-name rules (private key files, keystores, credential files)."""
        return [
            Finding(rule_id=rule.id, title=rule.title, path=path, line=0, column=0, end_column=0,
                    secret=path.rsplit("/", 1)[-1], severity=rule.severity,
                    confidence=rule.confidence, remediation=rule.remediation, tags=rule.tags)
            for rule in self.path_rules if rule.path_matcher.search(path)
        ]

    def confirm(self, rule, data: bytes, start: int, path: str) -> list[Finding]:
        found = []
        try:
            for match in rule.matcher.finditer(data, pos=start, timeout=REGEX_TIMEOUT):
                finding = self.make_finding(rule, data, match, path)
                if finding is not None:
                    found.append(finding)
        except TimeoutError:
            raise RuleTimeout(rule.id) from None
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
        if any(allow.search(secret) for allow in rule.allow_matchers):
            return None
        start, end = match.span(group)
        line_start = data.rfind(b"\n", 0, start) + 1
        line_end = data.find(b"\n", end)
        line_end = len(data) if line_end < 0 else line_end
        line_text = data[max(line_start, start - MAX_LINE_CONTEXT):min(line_end, end + MAX_LINE_CONTEXT)]
        if filters.is_rejected(secret, line_text.decode("utf-8", "replace"), rule.is_generic):
            return None
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        confidence = rule.confidence
        if filters.is_test_path(path):
            confidence = "low"
        return Finding(
            rule_id=rule.id, title=rule.title, path=path,
            line=data.count(b"\n", 0, start) + 1, column=column, end_column=column + len(secret),
            secret=secret, entropy=entropy, severity=rule.severity, confidence=confidence,
            remediation=rule.remediation, tags=rule.tags, offset=start,
        )


def drop_generic_overlaps(findings: list[Finding]) -> list[Finding]:
    """A provider rule and a generic rule on the same bytes: keep the provider's finding."""
    specific = [(f.offset, f.offset + len(f.secret)) for f in findings if "generic" not in f.tags]
    if not specific:
        return findings
    return [
        f for f in findings
        if "generic" not in f.tags
        or not any(s < f.offset + len(f.secret) and f.offset < e for s, e in specific)
    ]


def at_least(findings: list[Finding], min_confidence: str) -> list[Finding]:
    floor = confidence_rank(min_confidence)
    return [f for f in findings if confidence_rank(f.confidence) >= floor]
