"""Users' rule packs: malformed ones fail in one line, catastrophic-backtracking shapes are caught
before a scan, and a rule that runs out of time at scan time costs that rule on that input only."""
import json

import pytest

from fakes import ACME_PACK, SLOW_INPUT, SLOW_RULE, TOKEN_LINE
from scanner.errors import HushgateError
from scanner.rules import load_rules
from scanner.rules.redos import Catastrophic, check_pattern

RULE = ACME_PACK


@pytest.mark.parametrize("pack, message", [
    ("[[rules]\nid=", "invalid TOML"),
    (RULE.replace('title = "Acme token"\n', ""), "'title'"),
    (RULE.replace("acme_([a-z0-9]{20})", "acme_([a-z0-9]{20}"), "does not compile"),
    (RULE + RULE, "duplicate id"),
    ("rules = 3\n", "array of tables"),
    (RULE.replace("regex = 'acme_([a-z0-9]{20})'", "regex = 'acme_[a-z0-9]{20}'"), "capture group"),
    (RULE.replace("regex = 'acme_([a-z0-9]{20})'", "regex = 5"), "'regex'"),
    (RULE.replace('keywords = ["acme_"]', 'keywords = "acme_"'), "'keywords'"),
    (RULE.replace("regex = 'acme_([a-z0-9]{20})'", "regex = 'acme_(\\w+\\s?)*=(\\d+)'"), "nested in another repeat"),
])
def test_malformed_pack_is_one_line_exit_2(tmp_path, cli, pack, message):
    (tmp_path / "pack.toml").write_text(pack)
    done = cli("scan", tmp_path, "--rules", tmp_path / "pack.toml")
    assert done.returncode == 2, done.stdout
    assert message in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_pack_that_is_not_utf8_is_one_line(tmp_path, cli):
    (tmp_path / "pack.toml").write_bytes(b"\xff\xfe[[rules]]\n")
    done = cli("rules", "test", tmp_path / "pack.toml")
    assert done.returncode == 2 and "invalid TOML" in done.stderr


@pytest.mark.parametrize("pattern", [r"(a+)+", r"(\w+\s?)*", r"(?:x|y+)*z", r"(a*)*$", r"k(?:(?:\d+)?)+",
                                     r"(?>(a+)+)", r"(?:(b+)*c)++"])
def test_nested_quantifiers_are_rejected(pattern):
    with pytest.raises(Catastrophic):
        check_pattern(pattern)


@pytest.mark.parametrize("pattern", [r"(?:a|a)*", r"(a|aa)+", r"(?:a|ab|b)+c"])
def test_overlapping_alternatives_under_a_repeat_warn(pattern):
    assert check_pattern(pattern)


@pytest.mark.parametrize("pattern", [
    r"acme_([a-z0-9]{20})", r"(?:[a-z]+-)+x", r"([a-z0-9-]+\.)+[a-z]+", r"(?>a+)+", r"(a++)+",
    r"(ab|ac)*", r"(a|ab)*c", r"(?:[A-Za-z0-9+/]{4})*", r"\p{L}+(\d)",
])
def test_safe_shapes_pass(pattern):
    assert check_pattern(pattern) == []


def test_default_packs_have_no_catastrophic_shapes(default_rules):
    for rule in default_rules:
        for pattern in [rule.regex, rule.path, *rule.allow]:
            if pattern is not None:
                assert check_pattern(pattern) == [], rule.id


def test_shapes_are_checked_in_every_pattern_field(tmp_path):
    pack = RULE.replace('keywords = ["acme_"]', 'keywords = ["acme_"]\nallow = [\'(x+)+y\']')
    (tmp_path / "pack.toml").write_text(pack)
    with pytest.raises(HushgateError, match="field 'allow'"):
        load_rules([tmp_path / "pack.toml"], use_defaults=False)
    ambiguous = RULE.replace('keywords = ["acme_"]', 'keywords = ["acme_"]\nallow = [\'(a|aa)+\']')
    (tmp_path / "pack.toml").write_text(ambiguous)
    warnings = load_rules([tmp_path / "pack.toml"], use_defaults=False).warnings
    assert any("field 'allow'" in w and "start with the same character" in w for w in warnings)


def test_rules_test_prints_the_warning(tmp_path, cli):
    (tmp_path / "slow.toml").write_text(SLOW_RULE)
    done = cli("rules", "test", tmp_path / "slow.toml")
    assert done.returncode == 0 and "slow-rule" in done.stderr and "backtrack" in done.stderr


@pytest.fixture
def slow_pack(tmp_path):
    (tmp_path / "slow.toml").write_text(SLOW_RULE)
    return tmp_path / "slow.toml"


FAST_TIMEOUT = {"HUSHGATE_REGEX_TIMEOUT": "0.2"}


def test_rule_timeout_is_reported_by_rule_and_file_and_other_findings_stay(tmp_path, cli, slow_pack):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.txt").write_text(TOKEN_LINE + SLOW_INPUT + TOKEN_LINE.replace("token", "other"))
    (tree / "b.txt").write_text(TOKEN_LINE)
    done = cli("scan", tree, "--rules", slow_pack, "--engine", "portable", "-f", "json", env=FAST_TIMEOUT)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("a.txt", 1), ("a.txt", 3), ("b.txt", 1)]
    assert len(report["errors"]) == 1 and report["errors"][0]["path"] == "a.txt"
    assert "'slow-rule'" in report["errors"][0]["error"] and report["summary"]["errors"] == 1
    console = cli("scan", tree, "--rules", slow_pack, "--engine", "portable", env=FAST_TIMEOUT)
    assert "warning: a.txt: rule 'slow-rule'" in console.stdout and "1 error)" in console.stdout


def test_rule_timeout_in_a_large_file_skips_one_window_not_the_file(tmp_path, cli, slow_pack):
    padding = ("x" * 99 + "\n") * 90_000  # past one 8 MB window
    (tmp_path / "big.txt").write_text(SLOW_INPUT + padding + TOKEN_LINE)
    done = cli("scan", tmp_path / "big.txt", "--rules", slow_pack, "--engine", "portable", "-f", "json",
               "--regex-timeout", "0.2")
    report = json.loads(done.stdout)
    assert [f["line"] for f in report["findings"]] == [90_002]
    assert [e["error"].split()[1] for e in report["errors"]] == ["'slow-rule'"]


def test_rule_timeout_in_hooks_and_history(git_repo, cli, slow_pack):
    repo = git_repo()
    repo.commit("one", **{"a.txt": SLOW_INPUT + TOKEN_LINE})
    repo.write("b.txt", SLOW_INPUT + TOKEN_LINE)
    repo.add("b.txt")
    for args, stdin in ((["staged"], None), (["history"], None),
                        (["pre-push"], f"refs/heads/main {repo.head()} refs/heads/main {'0' * 40}\n")):
        done = cli(*args, "--rules", slow_pack, "--engine", "portable", "-f", "json", cwd=repo.path,
                   env=FAST_TIMEOUT, input=stdin)
        assert done.returncode == 1, (args, done.stderr)
        report = json.loads(done.stdout)
        assert [f["rule_id"] for f in report["findings"]] == ["github-pat-classic"], args
        assert [e["error"].split()[1] for e in report["errors"]] == ["'slow-rule'"], args


def test_rules_test_never_prints_an_example_whole(tmp_path, cli):
    leaked = RULE.replace('negative = ["acme_short"]', 'negative = ["acme_q7gv2xk9lm3np5rt8wz1"]')
    (tmp_path / "pack.toml").write_text(leaked.replace('positive = ["acme_q7gv2xk9lm3np5rt8wz1"]',
                                                       'positive = ["acme_q7gv2xk9lm3np5rt8wz1", "acme_NOPE"]'))
    done = cli("rules", "test", tmp_path / "pack.toml")
    assert done.returncode == 1
    assert "positive example not found: #2 of 2" in done.stdout
    assert "negative example flagged: #1 of 1, acme_q*****" in done.stdout
    assert "q7gv2xk9lm3np5rt8wz1" not in done.stdout + done.stderr
