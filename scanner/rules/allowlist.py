"""Allowlists: conditions under which a finding is not reported (imported gitleaks allowlists).

A finding is allowed when the allowlist's criteria hold: any one of them (condition "or", the
default) or all of those given (condition "and"). Criteria: a regex on the secret, the whole
match or the line; the file path; a stopword contained in the secret.
"""
from __future__ import annotations

from functools import cached_property

from ..record import record

TARGETS = ("secret", "match", "line")


@record
class Allowlist:
    regexes: tuple = ()
    target: str = "secret"
    paths: tuple = ()
    stopwords: tuple = ()
    condition: str = "or"
    rule_ids: frozenset | None = None  # None: applies to every rule
    description: str = ""

    @cached_property
    def regex_matchers(self) -> tuple:
        import regex  # here: a hook whose commit has no candidate never needs it

        return tuple(regex.compile(pattern) for pattern in self.regexes)

    @cached_property
    def path_matchers(self) -> tuple:
        import regex

        return tuple(regex.compile(pattern) for pattern in self.paths)

    def applies_to(self, rule_id: str) -> bool:
        return self.rule_ids is None or rule_id in self.rule_ids

    def allows_whole_file(self, path: str) -> bool:
        """True when every finding in `path` would be allowed, so the file need not be read."""
        if not self.path_matchers or not self.path_matches(path):
            return False
        return self.condition == "or" or not (self.regexes or self.stopwords)

    def path_matches(self, path: str) -> bool:
        return any(matcher.search(path) for matcher in self.path_matchers)

    def allows(self, secret: str, match: str, line: str, path: str) -> bool:
        text = {"secret": secret, "match": match, "line": line}[self.target]
        results = []
        if self.regexes:
            results.append(any(matcher.search(text) for matcher in self.regex_matchers))
        if self.paths:
            results.append(self.path_matches(path))
        if self.stopwords:
            lowered = secret.lower()
            results.append(any(word.lower() in lowered for word in self.stopwords))
        if self.condition == "and":
            return bool(results) and all(results)
        return any(results)
