"""CSV report: a header row, then one row per finding, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io

from .text import escape_control

COLUMNS = ("rule_id", "title", "severity", "confidence", "path", "line", "column", "end_column",
           "secret_preview", "fingerprint", "location_fingerprint", "commit", "author", "date",
           "remediation")
# A spreadsheet runs a cell starting with one of these as a formula; file names are attacker-chosen.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    text = escape_control("" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def render(result, show_secrets: bool = False, color: bool = False) -> str:
    # Context a source adds to its findings (an org report's repo and status) gets columns too.
    extra = tuple(sorted({key for finding in result.findings for key in finding.extra} - set(COLUMNS)))
    columns = COLUMNS + extra + (("secret",) if show_secrets else ())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for finding in result.findings:
        row = finding.to_dict(show_secrets)
        writer.writerow([cell(row.get(name)) for name in columns])
    return buffer.getvalue()
