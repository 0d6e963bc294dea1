"""Windowed confirmation: the Hyperscan path finds exactly what a whole-chunk regex scan finds."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakes import secrets_file_text
from scanner.engine.prefilter import HyperscanPrefilter, matches_in
from scanner.rules.model import Rule

hyperscan = pytest.importorskip("hyperscan")
from scanner.engine.hscache import compile_database  # noqa: E402  (needs hyperscan)

# Patterns whose matches depend on what surrounds them: lookbehind and lookahead, anchors,
# word boundaries, greedy and lazy repeats, and one of unbounded width.
PATTERNS = [
    r"(?<![a-z])key=([a-z0-9]{4,8})(?![a-z0-9])",
    r"(?m)^tok: ([a-z]{3,6})$",
    r"\b(ab+c)\b",
    r"(?i)pass[a-z]{0,3}?[:=]\s{0,2}([^\s;]{3,12})(?=\s*(?:;|$))",
    r"BEGIN(x[^E]*)END",
    r"id=([0-9]{2,5})(?=\")",
    r"(?m)^[a-z]+=([a-z0-9]{3,})[ \t]*$",
]
# Only a positive lookahead needs to see bytes past a match; every other rule is confirmed
# exactly even when its window ends right at the match (the full-context check corrects it).
TIGHTEST_REACH = [0, 0, 0, 0, 0, 1, 0]


def rules():
    return [Rule(id=f"r{i}", title="t", regex=pattern) for i, pattern in enumerate(PATTERNS)]


@pytest.fixture(scope="module", params=["computed", "tightest"])
def prefilter(request):
    database, unsupported = compile_database(rules(), hyperscan)
    built = HyperscanPrefilter(database, rules(), unsupported)
    if request.param == "tightest":
        built.reaches = TIGHTEST_REACH
    return built


def whole_scan(data: bytes) -> list:
    return [(i, m.span(1)) for i, r in enumerate(rules()) for m in r.matcher.finditer(data)]


def windowed_scan(prefilter, data: bytes) -> list:
    found = prefilter.candidates(data)
    return [(i, m.span(1)) for i, r in enumerate(rules()) if i in found
            for m in matches_in(r.matcher, data, found[i], timeout=5)]


pieces = st.lists(st.sampled_from([
    b"key=", b"tok: ", b"pass", b"PASSwd", b":", b"=", b" ", b"\n", b";", b"ab", b"bbb", b"c", b"abc",
    b"q7", b"zz9", b"x", b"BEGIN", b"END", b"e", b"0", b"\t", b"id=", b"12", b'"', b"\nab=", b"\n"]),
    max_size=60)


@settings(max_examples=250, deadline=None)
@given(parts=pieces)
def test_windows_find_what_a_whole_scan_finds(prefilter, parts):
    data = b"".join(parts)
    assert windowed_scan(prefilter, data) == whole_scan(data)


def test_windows_hold_across_long_text_between_candidates(prefilter):
    filler = b"lorem ipsum dolor sit amet " * 400
    data = (filler + b"key=abc123\n" + filler + b"tok: qwe\n" + filler + b"passwd= s3cr3t ;key=abcdefghi"
            + filler + b'id=1234" id=56 id=789"\n' + filler + b"\nkey=abc123def \t\n" + filler)
    assert windowed_scan(prefilter, data) == whole_scan(data) != []


def test_reach_is_measured_from_the_pattern():
    assert [r.lookahead_reach for r in rules()] == [1, 0, 0, None, 0, 1, 0]
    assert [r.max_width for r in rules()] == [12, 11, None, 22, None, 8, None]
    assert [r.single_line for r in rules()] == [True, True, True, False, False, True, True]


def test_default_rules_give_the_same_findings_on_both_engines(default_rules):
    from scanner.pipeline import Scanner

    body = "\n".join(example for rule in default_rules for example in rule.positive + rule.negative)
    text = "import os\n" * 50 + secrets_file_text() + body + "\n" + "x = 1\n" * 50
    found = {}
    for engine in ("hyperscan", "portable"):
        scanner = Scanner(default_rules, engine=engine, fingerprint_key=b"k")
        findings = scanner.scan_bytes(text.encode(), "app.env")
        found[engine] = [(f.rule_id, f.line, f.column, f.secret) for f in findings]
    assert found["hyperscan"] == found["portable"]
    assert len(found["hyperscan"]) >= len(default_rules) // 2


def test_path_confined_rules_stay_out_of_the_database_and_are_found_where_they_apply():
    """A rule confined to some files is left out of Hyperscan's database (it would slow every
    other file's scan) and confirmed over the whole of each file it applies to."""
    from scanner.pipeline import Scanner
    from scanner.rules.model import RuleSet

    confined = Rule(id="conf", title="t", regex=r"(?m)^[^:\n]+:([a-z0-9]{8,})$", path=r"(?:^|/)\.creds$")
    everywhere = Rule(id="plain", title="t", regex=r"tok_([a-z0-9]{8,})", keywords=("tok_",))
    _, left_out = compile_database([everywhere, confined], hyperscan)
    assert left_out == [1]
    data = b"host:h7x2k9q4m1z8\nuse tok_a8f3k2j9x7 here\n"
    found = {}
    for engine in ("hyperscan", "portable"):
        scanner = Scanner(RuleSet([everywhere, confined]), engine=engine, fingerprint_key=b"k")
        found[engine] = [[(f.rule_id, f.line, f.secret) for f in scanner.scan_bytes(data, path)]
                         for path in ("deploy/.creds", "deploy/notes.txt", "deploy/.creds", "x.creds")]
    assert found["hyperscan"] == found["portable"] == [
        [("plain", 2, "a8f3k2j9x7"), ("conf", 1, "h7x2k9q4m1z8")],
        [("plain", 2, "a8f3k2j9x7")],
        [("plain", 2, "a8f3k2j9x7"), ("conf", 1, "h7x2k9q4m1z8")],
        [("plain", 2, "a8f3k2j9x7")],
    ]
