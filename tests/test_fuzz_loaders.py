"""Property tests of the files users write: rule packs, baselines, ignore files. Anything at all
either loads or raises HushgateError (one line, exit 2 at the CLI); nothing else escapes."""
import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import HushgateError
from scanner.rules.loader import build_rule, parse_pack
from scanner.triage.baseline import load_baseline
from scanner.triage.ignore import load_ignore_file

SETTINGS = settings(max_examples=150, deadline=None)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.floats(allow_nan=True), st.text(max_size=12),
                    st.dates())
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                              max_size=3), max_leaves=8)
PATTERNS = st.one_of(st.text(max_size=16), st.sampled_from(["(a+)+", "x(", "(?P<secret>k)", "[", "a{2,1}", "(a|a)*b",
                                                             "(?<=a+)b", "\\", "(k)", "\\p{L}(x)"]))
RULE_TABLES = st.fixed_dictionaries(
    {},
    optional={"id": st.one_of(st.text(max_size=8), VALUES), "title": st.one_of(st.text(max_size=8), VALUES),
              "regex": st.one_of(PATTERNS, VALUES), "path": st.one_of(PATTERNS, VALUES),
              "keywords": VALUES, "entropy": VALUES, "charset": st.one_of(st.sampled_from(["hex", "any"]), VALUES),
              "severity": st.one_of(st.sampled_from(["high", "low"]), VALUES), "confidence": VALUES,
              "tags": VALUES, "allow": st.one_of(st.lists(PATTERNS, max_size=2), VALUES), "remediation": VALUES,
              "examples": st.one_of(VALUES, st.fixed_dictionaries({}, optional={
                  "positive": st.one_of(st.lists(st.text(max_size=6), max_size=2), VALUES),
                  "negative": st.one_of(st.lists(st.text(max_size=6), max_size=2), VALUES),
                  "path": VALUES})),
              "unknown": VALUES})


@SETTINGS
@given(RULE_TABLES)
def test_any_rule_table_builds_or_fails_cleanly(table):
    warnings: list = []
    try:
        rule = build_rule(Path("pack.toml"), table, 0, warnings, require_examples=False)
    except HushgateError as exc:
        assert "\n" not in str(exc)
        return
    assert rule.id == table["id"] and isinstance(rule.title, str)
    assert all(isinstance(w, str) for w in warnings)


TOML_PIECES = st.lists(st.sampled_from([
    "[[rules]]\n", "id = \"a\"\n", "title = \"t\"\n", "regex = '(k)'\n", "regex = '(a+)+'\n", "rules = 1\n",
    "[rules.examples]\n", "positive = [\"k\"]\n", "keywords = [\"k\"]\n", "= broken\n", "[x]\n", "id = 3\n",
    "\"\"\"\n", "path = '['\n", "allow = ['(']\n", "\xff", "\0",
]), max_size=14).map("".join)


@SETTINGS
@given(st.one_of(TOML_PIECES, st.text(max_size=80)), st.booleans())
def test_any_pack_text_parses_or_fails_cleanly(text, builtin):
    try:
        rules = parse_pack(Path("pack.toml"), text.encode("utf-8", "surrogatepass"), [], builtin=builtin)
    except HushgateError as exc:
        assert "\n" not in str(exc)
        return
    assert all(isinstance(rule.id, str) for rule in rules)


JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                                        max_size=4), max_leaves=10)
BASELINE_LIKE = st.fixed_dictionaries({}, optional={
    "version": st.one_of(st.just(1), JSON_VALUES), "key_id": st.one_of(st.text(max_size=6), JSON_VALUES),
    "source": st.one_of(st.sampled_from(["files", "history"]), JSON_VALUES),
    "entries": st.one_of(st.lists(st.fixed_dictionaries({}, optional={
        name: st.one_of(st.text(max_size=6), JSON_VALUES) for name in ("fingerprint", "rule_id", "path", "preview")}),
        max_size=3), JSON_VALUES)})


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("loaders")


@SETTINGS
@given(st.one_of(BASELINE_LIKE.map(json.dumps), JSON_VALUES.map(json.dumps), st.text(max_size=40)))
def test_any_baseline_file_loads_or_fails_cleanly(scratch, text):
    path = scratch / "baseline.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        baseline = load_baseline(path)
    except HushgateError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(baseline.key_id, str) and all(isinstance(e.path, str) for e in baseline.entries)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(str(value))


IGNORE_ENTRIES = st.lists(st.dictionaries(
    st.sampled_from(["fingerprint", "rule", "path", "reason", "expires", "expire", "other"]),
    st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.dates(), st.lists(st.integers(), max_size=2)),
    max_size=5), max_size=4)


@SETTINGS
@given(st.one_of(IGNORE_ENTRIES.map(lambda entries: "".join(
    "[[ignore]]\n" + "".join(f"{key} = {toml_value(value)}\n" for key, value in entry.items()) for entry in entries)),
    st.text(max_size=60)))
def test_any_ignore_file_loads_or_fails_cleanly(scratch, text):
    path = scratch / ".hushgateignore"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        ignore = load_ignore_file(path)
    except HushgateError as exc:
        assert "\n" not in str(exc)
        return
    for entry in ignore.entries:
        assert entry.reason and (entry.fingerprint or entry.rule or entry.path)
