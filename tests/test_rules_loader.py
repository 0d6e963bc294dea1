"""Rule-pack validation: one clear error naming file, rule id and field."""
import pytest

from scanner.errors import HushgateError
from scanner.rules import load_rules

GOOD_RULE = '''
[[rules]]
id = "acme-token"
title = "Acme token"
regex = 'acme_([a-z0-9]{20})'
keywords = ["acme_"]
remediation = "Revoke it in the Acme console."
[rules.examples]
positive = ["acme_q7gv2xk9lm3np5rt8wz1"]
negative = ["acme_short"]
'''


def write(tmp_path, text, name="pack.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def load_error(tmp_path, text) -> str:
    with pytest.raises(HushgateError) as caught:
        load_rules([write(tmp_path, text)], use_defaults=False)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_good_pack_loads_and_extends_defaults(tmp_path):
    pack = write(tmp_path, GOOD_RULE)
    only = load_rules([pack], use_defaults=False)
    assert [r.id for r in only] == ["acme-token"]
    merged = load_rules([pack])
    assert "acme-token" in {r.id for r in merged}
    assert "aws-access-key-id" in {r.id for r in merged}


def test_bad_toml(tmp_path):
    assert "invalid TOML" in load_error(tmp_path, "[[rules]\nid=")


def test_missing_field_names_file_rule_and_field(tmp_path):
    message = load_error(tmp_path, GOOD_RULE.replace('title = "Acme token"\n', ""))
    assert "pack.toml" in message and "acme-token" in message and "'title'" in message


def test_missing_regex(tmp_path):
    message = load_error(tmp_path, GOOD_RULE.replace("regex = 'acme_([a-z0-9]{20})'\n", ""))
    assert "'regex'" in message


def test_regex_that_does_not_compile(tmp_path):
    message = load_error(tmp_path, GOOD_RULE.replace("acme_([a-z0-9]{20})", "acme_([a-z0-9]{20}"))
    assert "'regex'" in message and "does not compile" in message


def test_regex_without_capture_group(tmp_path):
    message = load_error(tmp_path, GOOD_RULE.replace("acme_([a-z0-9]{20})", "acme_[a-z0-9]{20}"))
    assert "capture group" in message


def test_named_secret_group_is_used(tmp_path):
    text = GOOD_RULE.replace("acme_([a-z0-9]{20})", "(acme)_(?P<secret>[a-z0-9]{20})")
    rule = load_rules([write(tmp_path, text)], use_defaults=False).rules[0]
    assert rule.secret_group == "secret"


def test_duplicate_ids(tmp_path):
    write(tmp_path, GOOD_RULE, "a.toml")
    write(tmp_path, GOOD_RULE, "b.toml")
    with pytest.raises(HushgateError, match="duplicate id"):
        load_rules([tmp_path], use_defaults=False)


def test_duplicate_of_a_default_rule_is_refused(tmp_path):
    text = GOOD_RULE.replace('id = "acme-token"', 'id = "aws-access-key-id"')
    with pytest.raises(HushgateError, match="duplicate id"):
        load_rules([write(tmp_path, text)])


def test_bad_severity(tmp_path):
    message = load_error(tmp_path, GOOD_RULE.replace('remediation', 'severity = "urgent"\nremediation'))
    assert "'severity'" in message


def test_user_pack_without_examples_warns(tmp_path):
    text = GOOD_RULE.split("[rules.examples]")[0]
    ruleset = load_rules([write(tmp_path, text)], use_defaults=False)
    assert any("examples" in w for w in ruleset.warnings)


def test_missing_pack_file(tmp_path):
    with pytest.raises(HushgateError, match="not found"):
        load_rules([tmp_path / "nope.toml"])


def test_no_rules_at_all():
    with pytest.raises(HushgateError, match="no rules"):
        load_rules([], use_defaults=False)


def test_rules_test_command_on_user_pack(tmp_path, cli):
    good = cli("rules", "test", write(tmp_path, GOOD_RULE))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "1 rules" in good.stdout
    broken = write(tmp_path, GOOD_RULE.replace('negative = ["acme_short"]', 'negative = ["acme_q7gv2xk9lm3np5rt8wz1"]'), "bad.toml")
    failed = cli("rules", "test", broken)
    assert failed.returncode == 1
    assert "negative example flagged" in failed.stdout


def test_rules_list_shows_every_rule(cli, default_rules):
    listed = cli("rules", "list", "--format", "json")
    assert listed.returncode == 0
    import json

    assert len(json.loads(listed.stdout)) == len(default_rules)


def test_invalid_pack_via_cli_is_one_line_exit_2(tmp_path, cli):
    result = cli("scan", tmp_path, "--rules", write(tmp_path, "[[rules]]\nid = 1"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
