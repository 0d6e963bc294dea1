"""gitleaks configs: RE2 patterns converted, rules and allowlists applied, auto-detected and announced."""
import json
import subprocess

import pytest
import regex

from fakes import GITHUB_PAT
from scanner.errors import HushgateError
from scanner.pipeline import Scanner
from scanner.project_files import find_gitleaks_config
from scanner.rules import load_rules
from scanner.rules.gitleaks import apply_gitleaks_config, go_to_python, load_gitleaks_config, with_secret_group

ACME = "acme_q7gv2xk9lm3np5rt8wz1bc4d"
CONFIG = """
title = "team config"
[extend]
useDefault = true
disabledRules = ["generic-secret-env", "generic-labelled-secret"]

[[rules]]
id = "acme-token"
description = "ACME service token"
regex = '''(?i)acme(?:[_-]?token)?\\s*[:=]\\s*["']?(acme_[a-z0-9]{24})'''
secretGroup = 1
entropy = 3.0
keywords = ["acme_"]
tags = ["internal"]
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''(?i)fixture''']
[[rules.allowlists]]
condition = "AND"
paths = ['''(^|/)docs/''']
stopwords = ["q7gv"]

[[rules]]
id = "acme-key-file"
description = "ACME key file"
path = '''(?i)\\.acmekey$'''

[allowlist]
paths = ['''(^|/)third_party/''']
"""


def fail(field, problem):
    raise AssertionError(f"{field}: {problem}")


@pytest.mark.parametrize("go, python", [
    (r"(?i)abc", r"(?i)abc"),
    (r"abc(?i)def", r"abc(?i:def)"),
    (r"(a(?i)b)c", r"(a(?i:b))c"),
    (r"a(?i)b|c", r"a(?i:b)|(?i:c)"),
    (r"[[:alnum:]]{8}\z", r"[[:alnum:]]{8}\Z"),
    (r"\Qa.b\E", r"a\.b"),
    (r"\x{41}\x{263A}", r"\x41(?:\xe2\x98\xba)"),
    (r"[(|]x(?i)y", r"[(|]x(?i:y)"),
])
def test_go_patterns_become_python(go, python):
    assert go_to_python(go, fail, "regex") == python


def test_mid_pattern_flags_keep_go_scope():
    pattern = regex.compile(go_to_python(r"(key(?i)=)VALUE", fail, "regex"))
    assert pattern.fullmatch("key=VALUE") and pattern.fullmatch("KEY=VALUE") is None
    assert pattern.fullmatch("key=value") is None


def test_ungreedy_flag_is_refused():
    with pytest.raises(AssertionError, match="no Python equivalent"):
        go_to_python(r"(?U)a+", fail, "regex")


@pytest.mark.parametrize("pattern, group, expected", [
    (r"k=(\w+)", 0, r"k=(\w+)"),
    (r"(?i)k=\w+", 0, r"(?i)(?P<secret>k=\w+)"),
    (r"(a)=(b)", 2, r"(a)=(?P<secret>b)"),
    (r"(?P<name>a)=(?:c)(b)", 1, r"(?P<secret>a)=(?:c)(b)"),
])
def test_secret_group(pattern, group, expected):
    assert with_secret_group(pattern, group, fail) == expected


def write_repo(tmp_path, config=CONFIG):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitleaks.toml").write_text(config)
    (tmp_path / "third_party").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "third_party" / "vendor.cfg").write_text(f"acme_token = {ACME}\n")
    (tmp_path / "docs" / "setup.cfg").write_text(f"acme_token = {ACME}\n")
    (tmp_path / "app.cfg").write_text(f"acme_token = {ACME}\nacme = {ACME.replace('bc4d', 'bc4e')}  # fixture\n"
                                      f"gh = {GITHUB_PAT}\n")
    (tmp_path / "prod.acmekey").write_text("binary-ish\n")
    return tmp_path


def test_rules_and_allowlists_apply(tmp_path):
    repo = write_repo(tmp_path)
    config = load_gitleaks_config(repo / ".gitleaks.toml")
    ruleset = apply_gitleaks_config(load_rules(), config)
    assert "generic-secret-env" not in {r.id for r in ruleset}
    rule = ruleset.by_id("acme-token")
    assert rule.tags == ("gitleaks", "internal") and rule.keywords == ("acme_",) and rule.entropy == 3.0
    result = Scanner(ruleset, engine="portable").scan_paths([str(repo)], jobs=1)
    found = sorted((f.rule_id, f.path, f.line) for f in result.findings)
    assert found == [("acme-key-file", "prod.acmekey", 0), ("acme-token", "app.cfg", 1),
                     ("github-pat-classic", "app.cfg", 3)]


def test_cli_autodetects_and_announces(cli, tmp_path):
    repo = write_repo(tmp_path)
    done = cli("scan", repo, "-f", "json")
    assert done.returncode == 1
    assert f"using gitleaks config {repo / '.gitleaks.toml'}" in done.stderr
    assert "acme-token" in {f["rule_id"] for f in json.loads(done.stdout)["findings"]}
    ignored = cli("scan", repo, "-f", "json", "--gitleaks-config", "none")
    assert "gitleaks" not in ignored.stderr
    assert "acme-token" not in {f["rule_id"] for f in json.loads(ignored.stdout)["findings"]}


def test_explicit_config_and_extend(cli, tmp_path):
    (tmp_path / "base.toml").write_text(CONFIG)
    (tmp_path / "team.toml").write_text('[extend]\npath = "base.toml"\ndisabledRules = ["acme-key-file"]\n')
    ruleset = apply_gitleaks_config(load_rules(), load_gitleaks_config(tmp_path / "team.toml"))
    assert "acme-token" in {r.id for r in ruleset} and "acme-key-file" not in {r.id for r in ruleset}
    target = tmp_path / "scan"
    target.mkdir()
    (target / "a.cfg").write_text(f"acme_token = {ACME}\n")
    done = cli("scan", target, "--gitleaks-config", tmp_path / "team.toml", "-f", "json")
    assert [f["rule_id"] for f in json.loads(done.stdout)["findings"]] == ["acme-token"]


def test_global_allowlist_target_rules_and_stopwords(tmp_path):
    config_path = tmp_path / "g.toml"
    config_path.write_text(CONFIG.split("[allowlist]")[0] + '[[allowlists]]\ntargetRules = ["acme-token"]\n'
                           'stopwords = ["lm3np"]\n')
    ruleset = apply_gitleaks_config(load_rules(), load_gitleaks_config(config_path))
    scanner = Scanner(ruleset, engine="portable")
    assert [f.rule_id for f in scanner.scan_bytes(f"acme_token = {ACME}\n".encode(), "a.cfg")] == []


@pytest.mark.parametrize("config, message", [
    ('[[rules]]\nid = "x"\nregex = "(?U)a+"\n', "rule 'x': field 'regex'"),
    ('[[rules]]\nid = "x"\nregex = "a(b"\n', "rule 'x': field 'regex': does not compile"),
    ('[[rules]]\nid = "x"\nregex = "(a)"\nsecretGroup = 3\n', "field 'secretGroup'"),
    ('[[rules]]\ndescription = "no id"\nregex = "a"\n', "field 'id': missing"),
    ('[allowlist]\nregexTarget = "file"\n', "field 'regexTarget'"),
    ("[[rules]\n", "invalid TOML"),
])
def test_bad_configs_are_one_line_errors(tmp_path, cli, config, message):
    path = tmp_path / "bad.toml"
    path.write_text(config)
    with pytest.raises(HushgateError, match=regex.escape(message)):
        load_gitleaks_config(path)
    done = cli("scan", tmp_path, "--gitleaks-config", path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_find_config_looks_at_the_repository_root(tmp_path):
    repo = write_repo(tmp_path)
    assert find_gitleaks_config(repo / "docs") == repo / ".gitleaks.toml"
    (repo / ".gitleaks.toml").unlink()
    assert find_gitleaks_config(repo / "docs") is None
