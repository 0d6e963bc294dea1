"""Finding: one detected secret, its location, and how it may be shown."""
from __future__ import annotations

from .record import Factory, record, replace

CONFIDENCE_LEVELS = ("low", "medium", "high")
SEVERITY_LEVELS = ("info", "low", "medium", "high", "critical")
MASK = "*****"


def redact(secret: str, keep: int = 4) -> str:
    """At most the first `keep` characters, never more than a quarter of the secret, then a mask."""
    shown = min(keep, len(secret) // 4)
    return secret[:shown] + MASK


def confidence_rank(level: str) -> int:
    return CONFIDENCE_LEVELS.index(level)


def severity_rank(level: str) -> int:
    return SEVERITY_LEVELS.index(level)


@record(hidden=("secret",))
class Finding:
    rule_id: str
    title: str
    path: str
    line: int
    column: int
    end_column: int
    secret: str
    entropy: float = 0.0
    severity: str = "medium"
    confidence: str = "high"
    remediation: str = ""
    tags: tuple = ()
    fingerprint: str = ""
    location_fingerprint: str = ""  # set once paths are final, by triage
    offset: int = 0
    decoded_from: str | None = None
    commit: str | None = None
    author: str | None = None
    date: str | None = None
    in_head: bool | None = None
    extra: dict = Factory(dict)

    @property
    def secret_preview(self) -> str:
        return redact(self.secret)

    def sort_key(self):
        return (self.path, self.line, self.column, self.rule_id, self.commit or "")

    def to_dict(self, show_secrets: bool = False) -> dict:
        """The JSON report contract; the raw secret only with show_secrets."""
        data = {
            "rule_id": self.rule_id,
            "title": self.title,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_column": self.end_column,
            "secret_preview": self.secret_preview,
            "fingerprint": self.fingerprint,
            "entropy": round(self.entropy, 3),
            "severity": self.severity,
            "confidence": self.confidence,
            "tags": list(self.tags),
            "remediation": self.remediation,
        }
        if self.location_fingerprint:
            data["location_fingerprint"] = self.location_fingerprint
        if self.decoded_from:
            data["decoded_from"] = self.decoded_from
        if self.commit is not None:
            data.update(commit=self.commit, author=self.author, date=self.date, in_head=self.in_head)
        data.update(self.extra)
        if show_secrets:
            data["secret"] = self.secret
        return data

    def replace(self, **changes) -> "Finding":
        return replace(self, **changes)
