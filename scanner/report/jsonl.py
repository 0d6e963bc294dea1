"""JSON Lines report: one finding per line, the same objects as the JSON report's findings."""
from __future__ import annotations

import json


def render(result, show_secrets: bool = False, color: bool = False) -> str:
    return "".join(json.dumps(finding.to_dict(show_secrets), ensure_ascii=False) + "\n"
                   for finding in result.findings)
