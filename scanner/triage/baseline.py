"""Baseline: the findings a team accepted once, so that only new ones fail the gate.

Identity is (value fingerprint, rule id): never a line number or a path, so inserting lines,
moving or renaming a file leaves both the match and the file unchanged. The path and redacted
preview are for the humans reading the file; a re-created baseline keeps the entry it already
had for a known secret, so they do not churn either. The file holds no secret and no key, only
the key's id, so a scan under another key is detected instead of calling everything new.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import HushgateError

DEFAULT_BASELINE = ".hushgate-baseline.json"
BASELINE_VERSION = 1
SOURCES = ("files", "history")
ENTRY_FIELDS = ("fingerprint", "rule_id", "path", "preview")

# Format version N -> function turning a version-N document into version N+1. A format change
# bumps BASELINE_VERSION and adds one step here, so committed baselines keep loading.
UPGRADES: dict = {}


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule_id: str
    path: str
    preview: str

    @property
    def identity(self) -> tuple[str, str]:
        return self.fingerprint, self.rule_id

    def sort_key(self):
        return self.path, self.rule_id, self.fingerprint

    def describe(self) -> str:
        return f"{self.rule_id} in {self.path} ({self.preview})"


@dataclass
class Baseline:
    key_id: str
    entries: list
    source: str = "files"

    def identities(self) -> set:
        return {entry.identity for entry in self.entries}

    def to_json(self) -> str:
        document = {
            "version": BASELINE_VERSION,
            "key_id": self.key_id,
            "source": self.source,
            "entries": [{name: getattr(e, name) for name in ENTRY_FIELDS}
                        for e in sorted(self.entries, key=Entry.sort_key)],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def entry_for(finding) -> Entry:
    return Entry(finding.fingerprint, finding.rule_id, finding.path, finding.secret_preview)


def baseline_from_findings(findings, key_id: str, source: str = "files",
                           previous: Baseline | None = None) -> Baseline:
    """One entry per distinct secret; an entry the previous baseline already had is kept as it
    was (so a moved file does not rewrite its path)."""
    kept = {entry.identity: entry for entry in previous.entries} if previous else {}
    entries = {}
    for finding in sorted(findings, key=lambda f: (f.path, f.line, f.column)):
        identity = (finding.fingerprint, finding.rule_id)
        if identity not in entries:
            entries[identity] = kept.get(identity) or entry_for(finding)
    return Baseline(key_id, list(entries.values()), source)


def load_baseline(path: Path | str) -> Baseline:
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise HushgateError(f"baseline {path} does not exist (make one with `hushgate baseline create`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HushgateError(f"cannot read baseline {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HushgateError(f"baseline {path} is corrupt: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    try:
        return parse(upgrade(document))
    except KeyError as exc:
        raise HushgateError(f"baseline {path} is corrupt: missing {exc}") from None
    except (TypeError, ValueError) as exc:
        raise HushgateError(f"baseline {path} is corrupt: {exc}") from None


def upgrade(document) -> dict:
    if not isinstance(document, dict):
        raise TypeError("expected a JSON object")
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"unknown format version {version!r}")
    if version > BASELINE_VERSION:
        raise ValueError(f"format version {version} is newer than this hushgate understands "
                         f"({BASELINE_VERSION}): upgrade hushgate")
    while document["version"] < BASELINE_VERSION:
        document = UPGRADES[document["version"]](document)
    return document


def parse(document: dict) -> Baseline:
    key_id = document["key_id"]
    source = document.get("source", "files")
    entries = document["entries"]
    if not isinstance(key_id, str) or not isinstance(entries, list):
        raise TypeError("'key_id' must be a string and 'entries' a list")
    if source not in SOURCES:
        raise ValueError(f"'source' must be one of {', '.join(SOURCES)}")
    parsed = []
    for number, item in enumerate(entries, 1):
        if not isinstance(item, dict) or not all(isinstance(item.get(name), str) for name in ENTRY_FIELDS):
            raise ValueError(f"entry {number} needs string fields {', '.join(ENTRY_FIELDS)}")
        parsed.append(Entry(*(item[name] for name in ENTRY_FIELDS)))
    return Baseline(key_id, parsed, source)


def write_baseline(baseline: Baseline, path: Path | str) -> None:
    from ..report import write_atomically

    write_atomically(Path(path), baseline.to_json())
