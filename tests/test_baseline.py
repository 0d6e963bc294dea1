"""Baselines: accept today's findings once; only new ones fail; the file never churns or leaks."""
import json
import subprocess

import pytest

from fakes import ALL, AWS_KEY_ID, GITHUB_PAT, secrets_file_text
from scanner.errors import HushgateError
from scanner.triage import baseline as baseline_module
from scanner.triage.baseline import load_baseline

KEY = "test-fingerprint-key"
NEW_TOKEN = "ghp_W3nT8kQ5vR1mX9pL2cZ7bJ4hF6dS0aY8uE3q"  # a different fake classic PAT


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    (root / "config").mkdir(parents=True)
    (root / "config" / "settings.env").write_text(secrets_file_text())
    (root / "app.py").write_text("print('hello')\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    return root


def create(cli, root, *extra):
    result = cli("baseline", "create", *extra, cwd=root)
    assert result.returncode == 0, result.stderr
    return (root / ".hushgate-baseline.json").read_text()


def test_create_then_scan_reports_only_new_findings(repo, cli):
    text = create(cli, repo)
    document = json.loads(text)
    assert document["version"] == 1 and document["source"] == "files" and len(document["key_id"]) == 12
    assert {e["rule_id"] for e in document["entries"]} >= {"aws-access-key-id", "github-pat-classic"}
    assert all(set(e) == {"fingerprint", "rule_id", "path", "preview"} for e in document["entries"])
    assert not any(secret in text for secret in ALL) and KEY not in text
    accepted = cli("scan", ".", "--baseline", ".hushgate-baseline.json", cwd=repo)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert f"suppressed by baseline: {len(document['entries'])}" in accepted.stdout
    (repo / "deploy.sh").write_text(f"export GITHUB_TOKEN={NEW_TOKEN}\n")
    new = cli("scan", ".", "--baseline", ".hushgate-baseline.json", "-f", "json", cwd=repo)
    assert new.returncode == 1
    report = json.loads(new.stdout)
    assert [(f["path"], f["rule_id"]) for f in report["findings"]] == [("deploy.sh", "github-pat-classic")]
    assert report["summary"]["suppressed_by_baseline"] == len(document["entries"])


def test_inserting_lines_moving_and_recreating_leaves_the_file_byte_identical(repo, cli):
    before = create(cli, repo)
    settings = repo / "config" / "settings.env"
    settings.write_text("# moved the keys down\n\n\nregion = eu-west-1\n" + settings.read_text())
    assert create(cli, repo) == before
    (repo / "deploy").mkdir()
    git(repo, "mv", "config/settings.env", "deploy/production.env")
    assert create(cli, repo) == before
    assert cli("scan", ".", "--baseline", ".hushgate-baseline.json", cwd=repo).returncode == 0


def test_entries_are_sorted_and_one_per_secret(repo, cli):
    (repo / "copy.env").write_text(f"GITHUB_TOKEN={GITHUB_PAT}\n")
    entries = json.loads(create(cli, repo))["entries"]
    assert entries == sorted(entries, key=lambda e: (e["path"], e["rule_id"], e["fingerprint"]))
    identities = [(e["fingerprint"], e["rule_id"]) for e in entries]
    assert len(identities) == len(set(identities))
    assert sum(e["rule_id"] == "github-pat-classic" for e in entries) == 1


def test_stale_entries_are_noticed_by_full_scans_and_pruned(repo, cli):
    create(cli, repo)
    (repo / "config" / "settings.env").write_text(f"aws_access_key_id = {AWS_KEY_ID}\n")
    full = cli("scan", ".", "--baseline", ".hushgate-baseline.json", cwd=repo)
    assert full.returncode == 0
    assert "hushgate: notice:" in full.stderr and "2 entries no longer found" in full.stderr
    assert "hushgate baseline prune" in full.stderr and "github-pat-classic in config/settings.env" in full.stderr
    partial = cli("scan", "config", "--baseline", ".hushgate-baseline.json", cwd=repo)
    assert partial.returncode == 0 and "notice" not in partial.stderr
    pruned = cli("baseline", "prune", cwd=repo)
    assert pruned.returncode == 0, pruned.stderr
    assert "1 kept, 2 dropped" in pruned.stdout
    entries = json.loads((repo / ".hushgate-baseline.json").read_text())["entries"]
    assert [e["rule_id"] for e in entries] == ["aws-access-key-id"]
    again = cli("scan", ".", "--baseline", ".hushgate-baseline.json", cwd=repo)
    assert again.returncode == 0 and "notice" not in again.stderr


@pytest.mark.parametrize("content, message", [
    ("{not json", "invalid JSON at line 1"),
    ('{"version": 1, "entries": []}', "missing 'key_id'"),
    ('{"version": 1, "key_id": "abc", "entries": [{"rule_id": "x"}]}', "entry 1 needs string fields"),
    ('{"version": 9, "key_id": "abc", "entries": []}', "newer than this hushgate understands"),
    ('[]', "expected a JSON object"),
])
def test_corrupt_baseline_is_a_one_line_error(repo, cli, content, message):
    (repo / "broken.json").write_text(content)
    result = cli("scan", ".", "--baseline", "broken.json", cwd=repo)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "broken.json is corrupt" in result.stderr and message in result.stderr


def test_missing_or_unreadable_baseline_is_an_error_not_empty(repo, cli):
    missing = cli("scan", ".", "--baseline", "nope.json", cwd=repo)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    (repo / "folder.json").mkdir()
    unreadable = cli("scan", ".", "--baseline", "folder.json", cwd=repo)
    assert unreadable.returncode == 2 and "cannot read baseline" in unreadable.stderr
    assert unreadable.stderr.count("\n") == 1


def test_a_baseline_made_with_another_key_says_so(repo, cli):
    create(cli, repo)
    result = cli("scan", ".", "--baseline", ".hushgate-baseline.json", cwd=repo,
                 env={"HUSHGATE_FINGERPRINT_KEY": "someone-elses-key"})
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "fingerprint key" in result.stderr and "docs/baseline.md" in result.stderr
    again = cli("baseline", "create", cwd=repo, env={"HUSHGATE_FINGERPRINT_KEY": "someone-elses-key"})
    assert again.returncode == 2 and "delete the file to start over" in again.stderr


def test_fail_on_sets_the_gate_threshold(repo, cli):
    (repo / "config" / "settings.env").unlink()
    (repo / "tuning.py").write_text('upstream_value = "bNLnSQ36JI6R2qWJVIAhbsnD9DxySGTXoNVi919J"\n')
    low = cli("scan", ".", "-f", "json", cwd=repo)
    assert low.returncode == 1 and {f["severity"] for f in json.loads(low.stdout)["findings"]} == {"low"}
    gated = cli("scan", ".", "-f", "json", "--fail-on", "medium", cwd=repo)
    assert gated.returncode == 0 and json.loads(gated.stdout)["findings"]
    assert cli("scan", ".", "--fail-on", "low", cwd=repo).returncode == 1
    assert cli("scan", ".", "--fail-on", "severe", cwd=repo).returncode == 2


def test_create_honours_the_ignore_file(repo, cli):
    (repo / ".hushgateignore").write_text('[[ignore]]\nrule = "github-pat-classic"\nreason = "fixture"\n')
    entries = json.loads(create(cli, repo))["entries"]
    assert entries and "github-pat-classic" not in {e["rule_id"] for e in entries}


def test_upgrade_hooks_migrate_older_formats(tmp_path, monkeypatch):
    old = {"version": 1, "key_id": "abc", "entries": [
        {"fingerprint": "f" * 40, "rule_id": "r", "path": "a.env", "preview": "ab*****"}]}
    (tmp_path / "old.json").write_text(json.dumps(old))

    def to_v2(document):
        return {**document, "version": 2, "source": "history"}

    monkeypatch.setattr(baseline_module, "BASELINE_VERSION", 2)
    monkeypatch.setitem(baseline_module.UPGRADES, 1, to_v2)
    upgraded = load_baseline(tmp_path / "old.json")
    assert upgraded.source == "history" and upgraded.entries[0].path == "a.env"
    monkeypatch.setitem(baseline_module.UPGRADES, 1, lambda d: {**d, "version": 2, "source": "tape"})
    with pytest.raises(HushgateError, match="'source' must be one of"):
        load_baseline(tmp_path / "old.json")


def commit(root, message):
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", message)


def test_history_baseline_covers_removed_secrets_and_prunes_unreachable_ones(repo, cli):
    commit(repo, "settings")
    git(repo, "checkout", "-q", "-b", "leak")
    (repo / "deploy.sh").write_text(f"export GITHUB_TOKEN={NEW_TOKEN}\n")
    git(repo, "add", "deploy.sh")
    commit(repo, "oops")
    git(repo, "checkout", "-q", "-")
    files_only = json.loads(create(cli, repo))["entries"]
    history_text = create(cli, repo, "--history", "-o", ".hushgate-baseline.json")
    assert not any(secret in history_text for secret in (*ALL, NEW_TOKEN, KEY))
    history = json.loads(history_text)
    assert history["source"] == "history" and len(history["entries"]) == len(files_only) + 1
    assert cli("history", "--baseline", ".hushgate-baseline.json", cwd=repo).returncode == 0
    assert cli("scan", ".", "--baseline", ".hushgate-baseline.json", cwd=repo).stderr == ""
    git(repo, "branch", "-q", "-D", "leak")
    stale = cli("history", "--baseline", ".hushgate-baseline.json", cwd=repo)
    assert stale.returncode == 0 and "1 entry no longer found" in stale.stderr and "deploy.sh" in stale.stderr
    pruned = cli("baseline", "prune", cwd=repo)
    assert pruned.returncode == 0 and "dropped github-pat-classic in deploy.sh" in pruned.stdout
    assert json.loads((repo / ".hushgate-baseline.json").read_text())["entries"] == files_only


def test_the_staged_hook_honours_the_baseline(repo, cli):
    create(cli, repo)
    assert cli("staged", cwd=repo).returncode == 1
    result = cli("staged", "--baseline", ".hushgate-baseline.json", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
