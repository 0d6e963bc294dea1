"""`.hushgateignore`: deliberate, explained exceptions, each with an optional expiry date.

TOML, one `[[ignore]]` table per entry:

    [[ignore]]
    fingerprint = "3f2a..."          # a value or location fingerprint from a report
    rule = "generic-password"        # and/or a rule id
    path = "tests/fixtures/*"        # and/or a path glob (fnmatch: `*` also crosses `/`)
    reason = "synthetic test data"   # required
    expires = 2026-06-30             # optional; from the next day on the entry stops suppressing

An entry suppresses a finding when every selector it gives matches. Unknown keys are errors, so
a misspelt `expire` cannot silently make an exception permanent.
"""
from __future__ import annotations

import datetime
import fnmatch
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import HushgateError

SELECTORS = ("fingerprint", "rule", "path")
KEYS = SELECTORS + ("reason", "expires")


@dataclass(frozen=True)
class IgnoreEntry:
    number: int
    reason: str
    fingerprint: str | None = None
    rule: str | None = None
    path: str | None = None
    expires: datetime.date | None = None

    def is_expired(self, today: datetime.date) -> bool:
        return self.expires is not None and today > self.expires

    def matches(self, finding) -> bool:
        return ((self.fingerprint is None
                 or self.fingerprint in (finding.fingerprint, finding.location_fingerprint))
                and (self.rule is None or self.rule == finding.rule_id)
                and (self.path is None or fnmatch.fnmatchcase(finding.path, self.path)))

    def describe(self) -> str:
        selectors = ", ".join(f"{name} {getattr(self, name)}" for name in SELECTORS if getattr(self, name))
        return f"entry {self.number} ({selectors})"


@dataclass
class IgnoreFile:
    path: Path
    entries: list


def load_ignore_file(path: Path | str) -> IgnoreFile:
    if sys.version_info >= (3, 11):  # imported here: most runs have no file to parse
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise HushgateError(f"ignore file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HushgateError(f"cannot read ignore file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise HushgateError(f"ignore file {path} is not valid TOML: {exc}") from None
    unknown = set(data) - {"ignore"}
    if unknown:
        raise HushgateError(f"ignore file {path}: unknown key {sorted(unknown)[0]!r} (entries go in [[ignore]] tables)")
    tables = data.get("ignore", [])
    if not isinstance(tables, list):
        raise HushgateError(f"ignore file {path}: 'ignore' must be an array of tables ([[ignore]])")
    try:
        return IgnoreFile(path, [parse_entry(number, table) for number, table in enumerate(tables, 1)])
    except ValueError as exc:
        raise HushgateError(f"ignore file {path}: {exc}") from None


def parse_entry(number: int, table) -> IgnoreEntry:
    where = f"entry {number}"
    if not isinstance(table, dict):
        raise ValueError(f"{where} must be a table")
    unknown = set(table) - set(KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r} (allowed: {', '.join(KEYS)})")
    for name in SELECTORS + ("reason",):
        if name in table and not (isinstance(table[name], str) and table[name].strip()):
            raise ValueError(f"{where}: '{name}' must be a non-empty string")
    if not any(name in table for name in SELECTORS):
        raise ValueError(f"{where} needs at least one of {', '.join(SELECTORS)}")
    if "reason" not in table:
        raise ValueError(f"{where} needs a 'reason': say why this is not a leak")
    return IgnoreEntry(number, table["reason"].strip(), table.get("fingerprint"), table.get("rule"),
                       table.get("path"), parse_date(table.get("expires"), where))


def parse_date(value, where: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{where}: 'expires' must be a date, YYYY-MM-DD")
