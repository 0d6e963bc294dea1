"""HTML: one self-contained page; every text escaped; sortable and filterable in a real browser."""
import base64
import hashlib
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fakes import ALL
from report_samples import HOSTILE_NAME, sample_result
from scanner.pipeline import ScanResult
from scanner.report import html_report
from scanner.report.text import escape_control

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class Document(HTMLParser):
    """Every element with its attributes, and the text inside each element."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements, self.stack, self.texts = [], [], {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("meta", "input", "br", "option"):
            self.stack.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.stack:
            element["text"] += data

    def find(self, tag, **attrs):
        return [e for e in self.elements if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())]


@pytest.fixture
def report(scanner, tmp_path):
    result = sample_result(scanner, tmp_path / "repo")
    result.extra["notices"] = ["an expired <b>ignore</b> entry"]
    return result, html_report.render(result)


def test_self_contained_no_network_and_a_strict_policy(report):
    _, text = report
    doc = Document(text)
    assert not [e for e in doc.elements if e["tag"] in ("img", "link", "iframe", "object", "embed", "base", "form")]
    for element in doc.elements:
        for name in ("src", "href", "action", "srcset"):
            value = element["attrs"].get(name) or ""
            assert not value or value.startswith("#"), (element, name)
    scripts, styles = doc.find("script"), doc.find("style")
    assert len(scripts) == 1 and len(styles) == 1 and "src" not in scripts[0]["attrs"]
    policy = doc.find("meta", **{"http-equiv": "Content-Security-Policy"})[0]["attrs"]["content"]
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy

    def digest(source):
        return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"

    assert f"script-src {digest(scripts[0]['text'])}" in policy
    assert f"style-src {digest(styles[0]['text'])}" in policy


def test_hostile_names_and_notices_are_text_never_markup(report):
    _, text = report
    doc = Document(text)
    assert not doc.find("img") and not doc.find("b")
    shown = escape_control(HOSTILE_NAME)
    cells = [e for e in doc.find("code") if "<img" in e["text"]]
    assert cells and all(e["text"] == shown for e in cells)
    assert any(e["text"] == "an expired <b>ignore</b> entry" for e in doc.find("p"))
    assert "\x1b" not in text and "\u202e" not in text


def test_summary_by_severity_rule_and_file(report):
    result, text = report
    doc = Document(text)
    for table in ("by-severity", "by-rule", "by-file"):
        assert doc.find("table", id=table)
    rule_table = doc.find("table", id="by-rule")[0]["text"]
    for finding in result.findings:
        assert finding.rule_id in rule_table
    assert doc.find("a", href="#rule=aws-access-key-id")
    assert doc.find("a", href="#file=config%2Fsettings.env")


def test_findings_table_rows_carry_remediation_and_sort_keys(report):
    result, text = report
    doc = Document(text)
    rows = [e for e in doc.find("tr") if "data-index" in e["attrs"]]
    assert len(rows) == len(result.findings)
    for row, finding in zip(rows, result.findings):
        assert row["attrs"]["data-rule"] == finding.rule_id
        assert finding.remediation.strip() in row["text"]
        assert finding.secret_preview in row["text"]
    headers = [e["attrs"]["data-key"] for e in doc.find("th") if "data-key" in e["attrs"]]
    assert all(f"data-{key}" in rows[0]["attrs"] for key in headers)


def test_secrets_are_redacted_unless_asked(report):
    result, text = report
    assert not any(secret in text for secret in ALL)
    assert all(secret in html_report.render(result, show_secrets=True) for secret in ALL)


def test_clean_report_renders():
    doc = Document(html_report.render(ScanResult()))
    assert "No secrets found" in doc.find("p", id="summary-line")[0]["text"]


def dump_dom(page: Path, fragment: str, profile: Path) -> Document:
    completed = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
         "--dump-dom", page.as_uri() + fragment], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return Document(completed.stdout)


@pytest.mark.skipif(not Path(CHROMIUM).exists(),
                    reason="no Chromium to render the HTML report in (install the Debian package `chromium`)")
def test_renders_filters_and_sorts_in_headless_chromium(report, tmp_path):
    result, text = report
    page = tmp_path / "report.html"
    page.write_text(text, encoding="utf-8")

    filtered = dump_dom(page, "#rule=github-pat-classic", tmp_path / "profile")
    assert filtered.find("body")[0]["attrs"].get("data-ready") == "1", "the script did not run (CSP hash?)"
    rows = [e for e in filtered.find("tr") if "data-index" in e["attrs"]]
    visible = [r for r in rows if "hidden" not in r["attrs"]]
    expected = sum(1 for f in result.findings if f.rule_id == "github-pat-classic")
    assert len(rows) == len(result.findings) and len(visible) == expected >= 2
    assert {r["attrs"]["data-rule"] for r in visible} == {"github-pat-classic"}
    assert filtered.find("span", id="shown")[0]["text"] == str(expected)
    assert not filtered.find("img")

    by_severity = dump_dom(page, "#sort=severity&dir=desc", tmp_path / "profile")
    ranks = [int(e["attrs"]["data-severity"]) for e in by_severity.find("tr") if "data-index" in e["attrs"]]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) > 1
