"""JUnit XML report for CI dashboards: a failing test case per finding (grouped by file through
its classname), or one passing test case when the scan is clean."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .text import escape_control


def text(value) -> str:
    """XML 1.0 cannot hold most control characters even escaped, and file names may carry them."""
    return escape_control("" if value is None else str(value))


def finding_case(finding, show_secrets: bool) -> ET.Element:
    where = f"line {finding.line}" if finding.line else "file name"
    case = ET.Element("testcase", classname=text(finding.path), name=text(f"{finding.rule_id} at {where}"))
    shown = finding.secret if show_secrets else finding.secret_preview
    failure = ET.SubElement(case, "failure", type=text(finding.rule_id),
                            message=text(f"{finding.title} ({finding.severity}): {shown}"))
    details = [f"{finding.path}:{finding.line}:{finding.column}", f"fingerprint: {finding.fingerprint}"]
    if finding.commit:
        details.append(f"commit: {finding.commit} by {finding.author or '?'} on {finding.date or '?'}")
    if finding.remediation:
        details.append(f"fix: {finding.remediation.strip()}")
    failure.text = "\n".join(text(line) for line in details)
    return case


def render(result, show_secrets: bool = False, color: bool = False) -> str:
    summary = result.summary()
    cases = [finding_case(f, show_secrets) for f in result.findings]
    if not cases:
        cases = [ET.Element("testcase", classname="hushgate", name="no secrets found")]
    attributes = {"tests": str(len(cases)), "failures": str(len(result.findings)), "errors": "0",
                  "skipped": "0", "time": f"{summary['seconds']:.3f}"}
    suites = ET.Element("testsuites", name="hushgate", **attributes)
    suite = ET.SubElement(suites, "testsuite", name="hushgate secret scan", **attributes)
    suite.extend(cases)
    if result.errors:
        err = ET.SubElement(suite, "system-err")
        err.text = "\n".join(text(f"{e['path']}: {e['error']}") for e in result.errors)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
