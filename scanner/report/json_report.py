"""JSON report: the contract users' scripts depend on (version, findings, summary, errors)."""
from __future__ import annotations

import json

from .. import __version__

REPORT_VERSION = "1.0"


def as_document(result, show_secrets: bool = False) -> dict:
    return {
        "version": REPORT_VERSION,
        "tool": {"name": "hushgate", "version": __version__},
        "findings": [finding.to_dict(show_secrets) for finding in result.findings],
        "summary": result.summary(),
        "errors": list(result.errors),
    }


def render(result, show_secrets: bool = False, color: bool = False) -> str:
    return json.dumps(as_document(result, show_secrets), indent=2, ensure_ascii=False) + "\n"
