"""SARIF 2.1.0 report, shaped for GitHub code scanning (rules with help, levels, security severity,
repository-relative locations and partial fingerprints)."""
from __future__ import annotations

import json
from urllib.parse import quote

from .. import __version__

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/hushgate/hushgate"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub maps this score to its own critical (>= 9.0), high (>= 7.0), medium (>= 4.0), low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0", "info": "0.0"}
PRECISION = {"high": "high", "medium": "medium", "low": "low"}


def artifact_uri(path: str) -> str:
    """A relative URI reference: percent-encoded, and exact even for undecodable file names
    (whose bytes arrive as U+DC80..U+DCFF; any other lone surrogate is kept as its code point)."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogatepass")
    return quote(raw, safe="/")


def rule_descriptor(finding) -> dict:
    """Everything about a rule that GitHub shows on the alert, taken from one of its findings."""
    remediation = finding.remediation.strip() or "Rotate the secret and remove it from the code."
    return {
        "id": finding.rule_id,
        "name": finding.title,
        "shortDescription": {"text": finding.title},
        "fullDescription": {"text": f"A {finding.title} in source code or history: anyone who can read "
                                    f"the repository can use it."},
        "help": {"text": remediation, "markdown": f"**Remediation:** {remediation}"},
        "defaultConfiguration": {"level": LEVELS.get(finding.severity, "warning")},
        "properties": {
            "tags": sorted({"security", "secret", *finding.tags}),
            "precision": PRECISION.get(finding.confidence, "medium"),
            "security-severity": SECURITY_SEVERITY.get(finding.severity, "5.5"),
        },
    }


def location(finding, root_in_repo: str = "") -> dict:
    physical = {"artifactLocation": {"uri": artifact_uri(root_in_repo + finding.path), "uriBaseId": "%SRCROOT%"}}
    if finding.line:  # line 0: a file-name rule, the whole file is the location
        physical["region"] = {"startLine": finding.line, "startColumn": finding.column,
                              "endLine": finding.line, "endColumn": max(finding.end_column, finding.column + 1)}
    return {"physicalLocation": physical}


def result_entry(finding, rule_index: int, show_secrets: bool, root_in_repo: str = "") -> dict:
    shown = finding.secret if show_secrets else finding.secret_preview
    entry = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": f"{finding.title} found: {shown}. {finding.remediation.strip()}".strip()},
        "locations": [location(finding, root_in_repo)],
        "partialFingerprints": {"hushgateLocation/v1": finding.location_fingerprint or finding.fingerprint},
        "properties": {"severity": finding.severity, "confidence": finding.confidence,
                       "valueFingerprint": finding.fingerprint},
    }
    if finding.commit:
        entry["properties"].update(commit=finding.commit, author=finding.author, date=finding.date)
    entry["properties"].update(finding.extra)  # e.g. an org report's repo and triage status
    return entry


def as_document(result, show_secrets: bool = False) -> dict:
    rules = {}
    for finding in sorted(result.findings, key=lambda f: f.rule_id):
        rules.setdefault(finding.rule_id, rule_descriptor(finding))
    index = {rule_id: position for position, rule_id in enumerate(rules)}
    run = {
        "tool": {"driver": {"name": "hushgate", "version": __version__, "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI, "rules": list(rules.values())}},
        "columnKind": "unicodeCodePoints",
        "results": [result_entry(f, index[f.rule_id], show_secrets, getattr(result, "root_in_repo", ""))
                    for f in result.findings],
        "invocations": [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {"level": "warning", "message": {"text": f"{error['path']}: {error['error']}"}}
                for error in result.errors],
        }],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(result, show_secrets: bool = False, color: bool = False) -> str:
    return json.dumps(as_document(result, show_secrets), indent=2, ensure_ascii=False) + "\n"
