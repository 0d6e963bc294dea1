"""Rule: one detector, loaded from a TOML pack. Regexes compile lazily, on first use."""
from __future__ import annotations

import re
from functools import cached_property

from ..record import Factory, record
from .width import is_single_line, lookahead_reach, max_match_width

CHARSETS = ("any", "hex", "base64", "base64url", "alnum")


@record
class Rule:
    id: str
    title: str
    regex: str | None
    source: str = ""
    path: str | None = None
    keywords: tuple = ()
    entropy: float = 0.0
    charset: str = "any"
    severity: str = "medium"
    confidence: str = "medium"
    tags: tuple = ()
    allow: tuple = ()
    remediation: str = ""
    provider: str = ""
    positive: tuple = ()
    negative: tuple = ()
    example_path: str | None = None

    @property
    def is_path_only(self) -> bool:
        return self.regex is None

    @property
    def is_generic(self) -> bool:
        return "generic" in self.tags

    @cached_property
    def matcher(self):
        """The confirmation regex over bytes."""
        import regex  # here: a hook whose commit has no candidate never needs it

        return regex.compile(self.regex.encode("utf-8"))

    @cached_property
    def path_matcher(self):
        """File-name patterns are plain enough for `re`, which searches them faster and spares a
        hook without candidates the `regex` import; `regex` takes the rare one `re` refuses."""
        if not self.path:
            return None
        try:
            return re.compile(self.path)
        except re.error:
            import regex

            return regex.compile(self.path)

    @cached_property
    def allow_matchers(self) -> tuple:
        import regex

        return tuple(regex.compile(pattern) for pattern in self.allow)

    @cached_property
    def secret_group(self):
        """The group holding the secret: one named 'secret', else the first; None if neither."""
        if "secret" in self.matcher.groupindex:
            return "secret"
        return 1 if self.matcher.groups >= 1 else None

    @cached_property
    def max_width(self) -> int | None:
        return max_match_width(self.regex)

    @cached_property
    def lookahead_reach(self) -> int | None:
        return lookahead_reach(self.regex)

    @cached_property
    def single_line(self) -> bool:
        return is_single_line(self.regex)


@record
class RuleSet:
    rules: list
    warnings: list = Factory(list)
    digest: str = ""
    allowlists: list = Factory(list)  # scanner.rules.allowlist.Allowlist, e.g. from gitleaks

    def __iter__(self):
        return iter(self.rules)

    def __len__(self):
        return len(self.rules)

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)
