"""Property tests of every reporter: findings with any text at all (control characters, markup,
formulas, lone surrogates from undecodable file names) round-trip through JSON, and every other
format parses and shows the text escaped, never obeyed."""
import csv
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.findings import SEVERITY_LEVELS, Finding
from scanner.pipeline import ScanResult
from scanner.report import render

SETTINGS = settings(max_examples=80, deadline=None)
HOSTILE = st.sampled_from(["<script>alert(1)</script>", "=HYPERLINK(\"x\")", "\x1b[31m", "\u202e", "\n", "\r",
                           "\t", "\x00", "\x7f", "\x85", "&amp;", "\"'", "]]>", "\udcff", "\udc80", "\\u0000", "%00"])
# Undecodable bytes in a file name arrive as U+DC80..U+DCFF (surrogateescape); JSON keeps them exactly.
NAME_TEXT = st.lists(st.one_of(HOSTILE, st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
                               st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF)), max_size=6).map("".join)
ANY_TEXT = st.lists(st.one_of(NAME_TEXT, st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)),
                    max_size=3).map("".join)


def findings(text):
    return st.builds(
        Finding, rule_id=st.sampled_from(["github-pat-classic", "generic-api-key"]), title=text, path=text,
        line=st.integers(0, 10**6), column=st.integers(1, 500), end_column=st.integers(1, 600), secret=text,
        entropy=st.floats(0, 8), severity=st.sampled_from(SEVERITY_LEVELS),
        confidence=st.sampled_from(["low", "medium", "high"]), remediation=text,
        tags=st.tuples(st.sampled_from(["generic", "cloud", "x"])),
        fingerprint=st.text("0123456789abcdef", max_size=40),
        decoded_from=st.one_of(st.none(), st.just("base64")), commit=st.one_of(st.none(), st.just("a" * 40)),
        author=st.one_of(st.none(), text), date=st.one_of(st.none(), st.just("2024-01-01T00:00:00+00:00")),
        in_head=st.one_of(st.none(), st.booleans()))


def results(text):
    return st.builds(ScanResult, findings=st.lists(findings(text), max_size=4),
                     errors=st.lists(st.fixed_dictionaries({"path": text, "error": text}), max_size=2),
                     files=st.integers(0, 100), bytes=st.integers(0, 10**9))


def as_written(text: str) -> str:
    """What reaches a report file or stdout (scanner.report.write_atomically / write_stdout)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@SETTINGS
@given(results(NAME_TEXT), st.booleans())
def test_json_and_jsonl_round_trip_every_finding(result, show_secrets):
    expected = [finding.to_dict(show_secrets) for finding in result.findings]
    document = json.loads(as_written(render(result, "json", show_secrets)))
    assert document["findings"] == expected
    assert document["errors"] == result.errors
    lines = as_written(render(result, "jsonl", show_secrets)).split("\n")[:-1]  # JSON Lines: \n only
    assert [json.loads(line) for line in lines] == expected


def assert_nothing_raw(output: str):
    """No control character but the format's own newlines; no lone surrogate; no bidi override."""
    assert not any((ord(ch) < 0x20 and ch not in "\n") or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF
                   or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for ch in output), repr(output)


@SETTINGS
@given(results(ANY_TEXT), st.booleans())
def test_console_shows_any_text_escaped(result, show_secrets):
    assert_nothing_raw(render(result, "console", show_secrets))


@SETTINGS
@given(results(ANY_TEXT))
def test_sarif_parses_and_keeps_every_result(result):
    document = json.loads(as_written(render(result, "sarif")))
    run = document["runs"][0]
    assert len(run["results"]) == len(result.findings)
    for entry in run["results"]:
        uri = entry["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert all(ch.isascii() and ch.isprintable() for ch in uri)


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.scripts = [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.scripts += tag == "script"


@SETTINGS
@given(results(ANY_TEXT), st.booleans())
def test_html_shows_any_text_as_text(result, show_secrets):
    output = render(result, "html", show_secrets)
    assert_nothing_raw(output)
    parser = Collect()
    parser.feed(output)
    assert parser.scripts == 1  # ours; no text became markup
    assert not set(parser.tags) - {"html", "head", "meta", "title", "style", "body", "header", "h1", "p", "div",
                                   "section", "h2", "table", "tr", "th", "td", "a", "span", "code", "input",
                                   "select", "option", "thead", "tbody", "br", "small", "footer", "script"}


@SETTINGS
@given(results(ANY_TEXT), st.booleans())
def test_junit_is_well_formed_xml(result, show_secrets):
    output = render(result, "junit", show_secrets)
    assert_nothing_raw(output)
    root = ET.fromstring(output.encode("utf-8"))
    cases = root.findall(".//testcase")
    assert len(cases) == max(1, len(result.findings))


@SETTINGS
@given(results(ANY_TEXT), st.booleans())
def test_csv_parses_and_no_cell_is_a_formula(result, show_secrets):
    output = render(result, "csv", show_secrets)
    assert_nothing_raw(output)
    rows = list(csv.reader(io.StringIO(output)))
    assert len(rows) == 1 + len(result.findings)
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows[1:] for cell in row)
