"""`.hushgateignore`: explained exceptions by fingerprint, rule or path, that can expire."""
import datetime
import json

import pytest

from fakes import ALL, secrets_file_text
from report_samples import KEY
from scanner.errors import HushgateError
from scanner.triage.ignore import load_ignore_file
from scanner.triage.suppress import apply_triage

TODAY = datetime.date(2025, 6, 15)


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "config").mkdir(parents=True)
    (root / "config" / "settings.env").write_text(secrets_file_text())
    (root / "tests").mkdir()
    (root / "tests" / "fixture.env").write_text(secrets_file_text())
    return root


def scan(scanner, root, ignore_text, today=TODAY):
    (root / ".hushgateignore").write_text(ignore_text)
    result = scanner.scan_paths([str(root)], jobs=1)
    apply_triage(result, KEY, ignore=load_ignore_file(root / ".hushgateignore"), today=today)
    return result


def test_by_rule_path_glob_and_both(scanner, project):
    result = scan(scanner, project, '''
[[ignore]]
path = "tests/*"
reason = "synthetic fixtures"

[[ignore]]
rule = "aws-secret-access-key"
path = "config/*.env"
reason = "a rotated key, kept for the migration guide"
''')
    assert all(f.path == "config/settings.env" for f in result.findings)
    assert "aws-secret-access-key" not in {f.rule_id for f in result.findings}
    assert result.extra["suppressed_by_ignore_file"] == 4
    assert result.extra["ignored_by_reason"] == {"synthetic fixtures": 3,
                                                 "a rotated key, kept for the migration guide": 1}
    assert "notices" not in result.extra


def test_by_value_fingerprint_everywhere_or_location_fingerprint_once(scanner, project):
    everything = scanner.scan_paths([str(project)], jobs=1)
    apply_triage(everything, KEY)
    pat = [f for f in everything.findings if f.rule_id == "github-pat-classic"]
    assert len(pat) == 2 and pat[0].fingerprint == pat[1].fingerprint
    assert pat[0].location_fingerprint != pat[1].location_fingerprint
    by_value = scan(scanner, project, f'[[ignore]]\nfingerprint = "{pat[0].fingerprint}"\nreason = "revoked"\n')
    assert "github-pat-classic" not in {f.rule_id for f in by_value.findings}
    once = scan(scanner, project, f'[[ignore]]\nfingerprint = "{pat[0].location_fingerprint}"\nreason = "fixture"\n')
    assert [f.path for f in once.findings if f.rule_id == "github-pat-classic"] == [pat[1].path]
    assert not any(secret in (project / ".hushgateignore").read_text() for secret in ALL)


@pytest.mark.parametrize("expires, suppressed", [("2025-06-14", False), ("2025-06-15", True), ("2030-01-01", True)])
def test_an_entry_suppresses_through_its_expiry_day_then_stops_and_says_so(scanner, project, expires, suppressed):
    result = scan(scanner, project, f'[[ignore]]\npath = "tests/*"\nreason = "until the fixtures move"\nexpires = {expires}\n')
    assert any(f.path.startswith("tests/") for f in result.findings) != suppressed
    notices = result.extra.get("notices", [])
    if suppressed:
        assert not notices
    else:
        assert len(notices) == 1
        assert f"expired on {expires}" in notices[0] and "3 findings reported again" in notices[0]
        assert "until the fixtures move" in notices[0]


def test_expired_entry_fails_the_gate_and_prints_a_notice(project, cli):
    (project / ".hushgateignore").write_text('[[ignore]]\npath = "*"\nreason = "temporary"\nexpires = "2000-01-01"\n')
    result = cli("scan", ".", cwd=project)
    assert result.returncode == 1
    assert "hushgate: notice:" in result.stderr and "expired on 2000-01-01" in result.stderr


def test_default_file_at_the_scan_root_or_repository_root_and_explicit_file(project, cli):
    (project / ".git").mkdir()
    (project / ".hushgateignore").write_text('[[ignore]]\npath = "*"\nreason = "everything is fake here"\n')
    from_root = cli("scan", ".", "-f", "json", cwd=project)
    assert from_root.returncode == 0 and json.loads(from_root.stdout)["summary"]["suppressed_by_ignore_file"] == 6
    assert cli("scan", "config", cwd=project).returncode == 0
    (project / "strict.toml").write_text('[[ignore]]\npath = "tests/*"\nreason = "fixtures"\n')
    explicit = cli("scan", ".", "-f", "json", "--ignore-file", "strict.toml", cwd=project)
    assert explicit.returncode == 1
    assert {f["path"] for f in json.loads(explicit.stdout)["findings"]} == {"config/settings.env"}
    missing = cli("scan", ".", "--ignore-file", "nope.toml", cwd=project)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


@pytest.mark.parametrize("text, message", [
    ('[[ignore]]\npath = "tests/*"\n', "needs a 'reason'"),
    ('[[ignore]]\nreason = "why"\n', "needs at least one of fingerprint, rule, path"),
    ('[[ignore]]\npath = "x"\nreason = "why"\nexpire = 2025-01-01\n', "unknown key 'expire'"),
    ('[[ignore]]\npath = "x"\nreason = "why"\nexpires = "next week"\n', "'expires' must be a date"),
    ('[[ignore]]\npath = "x"\nreason = "  "\n', "'reason' must be a non-empty string"),
    ('[ignore]\npath = "x"\n', "array of tables"),
    ('paths = ["x"]\n', "unknown key 'paths'"),
    ('[[ignore]\npath = "x"\n', "not valid TOML"),
])
def test_invalid_ignore_file_is_a_one_line_error(project, cli, text, message):
    (project / ".hushgateignore").write_text(text)
    with pytest.raises(HushgateError, match="ignore file .*" + message.replace("(", r"\(").replace("[", r"\[")):
        load_ignore_file(project / ".hushgateignore")
    result = cli("scan", ".", cwd=project)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr


def test_unreadable_ignore_file_is_an_error_not_empty(project, cli):
    (project / ".hushgateignore").mkdir()
    result = cli("scan", ".", "--ignore-file", ".hushgateignore", cwd=project)
    assert result.returncode == 2 and "cannot read ignore file" in result.stderr
