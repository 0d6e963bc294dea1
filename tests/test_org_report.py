"""`hushgate org triage` and `hushgate org report`: statuses that survive rescans, every format."""
import csv
import io
import json

from fakes import GITHUB_PAT
from orgrepos import report, small_org


def scan(cli, db, *sources, expect=(0, 1)):
    done = cli("org", "scan", *sources, "--db", db, "--jobs", "1", "--no-progress")
    assert done.returncode in expect, done.stderr
    return done


def test_triage_survives_rescans_keeps_a_history_and_settles_the_exit_code(git_repo, cli, tmp_path):
    org = tmp_path / "org"
    repos = small_org(org)
    db = tmp_path / "org.sqlite"
    scan(cli, db, org)
    shared = next(f for f in report(cli, db)["findings"] if f["repos"] == 2)
    prefix = shared["fingerprint"][:10]
    done = cli("org", "triage", prefix, "--status", "false-positive", "--note", "test fixture", "--db", db)
    assert done.returncode == 0 and f"{shared['fingerprint']}: open -> false-positive" in done.stdout
    repos["clean"].commit("more", **{"notes.txt": "nothing here\n"})
    scan(cli, db, org)
    statuses = {(f["repo"], f["status"]) for f in report(cli, db)["findings"] if f["fingerprint"] == shared["fingerprint"]}
    assert statuses == {("upstream", "false-positive"), ("fork.git", "false-positive")}
    cli("org", "triage", shared["fingerprint"], "--status", "revoked", "--note", "rotated", "--db", db)
    shown = cli("org", "triage", prefix, "--db", db).stdout.splitlines()
    assert shown[0].startswith(f"{shared['fingerprint']}: revoked since ") and shown[0].endswith(": rotated")
    assert [line.split(": ", 1)[1] for line in shown[1:]] == ["open -> false-positive: test fixture",
                                                              "false-positive -> revoked: rotated"]
    # Only open secrets fail the scan: settle the rest, and the nightly run passes.
    for finding in report(cli, db, "--status", "open")["findings"]:
        cli("org", "triage", finding["fingerprint"], "--status", "accepted", "--db", db)
    assert scan(cli, db, org).returncode == 0
    assert report(cli, db, "--status", "open")["findings"] == []


def test_triage_bad_input_is_a_one_line_error(git_repo, cli, tmp_path):
    scan(cli, tmp_path / "org.sqlite", small_org(tmp_path / "org")["upstream"].path)
    for fingerprint, message in (("zz", "is not a fingerprint"), ("0123456789", "no finding with fingerprint")):
        done = cli("org", "triage", fingerprint, "--status", "revoked", "--db", tmp_path / "org.sqlite")
        assert done.returncode == 2 and message in done.stderr and len(done.stderr.splitlines()) == 1
    done = cli("org", "triage", "abcdef", "--status", "fixed", "--db", tmp_path / "org.sqlite")
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_report_contract_and_formats(git_repo, cli, tmp_path):
    org = tmp_path / "org"
    small_org(org)
    db = tmp_path / "org.sqlite"
    scan(cli, db, org)
    document = report(cli, db)
    first = document["findings"][0]
    for key in ("rule_id", "path", "line", "fingerprint", "secret_preview", "repo", "commit", "status", "in_head"):
        assert key in first
    assert [f["repos"] for f in document["findings"]] == sorted((f["repos"] for f in document["findings"]), reverse=True)
    summary = document["summary"]
    assert summary["repos"] == 3 and summary["repos_with_findings"] == 2 and summary["by_status"] == {"open": 3}
    assert {r["repo"] for r in summary["by_repo"]} == {"upstream", "fork.git"}
    assert summary["most_widespread"][0]["repos"] == ["fork.git", "upstream"]
    assert {r["rule_id"] for r in summary["by_rule"]} >= {"aws-access-key-id", "aws-secret-access-key"}
    assert GITHUB_PAT not in json.dumps(document)

    only_fork = report(cli, db, "--repo", "fork.git")
    assert {f["repo"] for f in only_fork["findings"]} == {"fork.git"} and only_fork["summary"]["repos"] == 1

    rows = list(csv.DictReader(io.StringIO(cli("org", "report", "--db", db, "-f", "csv").stdout)))
    assert len(rows) == len(document["findings"]) and {"repo", "status"} <= set(rows[0])
    sarif = json.loads(cli("org", "report", "--db", db, "-f", "sarif").stdout)
    assert {r["properties"]["repo"] for r in sarif["runs"][0]["results"]} == {"upstream", "fork.git"}
    out = tmp_path / "org.html"
    assert cli("org", "report", "--db", db, "-f", "html", "-o", out).returncode == 1
    assert "fork.git" in out.read_text() and GITHUB_PAT not in out.read_text()
    console = cli("org", "report", "--db", db).stdout
    assert "secrets in the most repositories:" in console and "by repository:" in console
    assert "[open] fork.git  deploy/creds.txt:" in console and GITHUB_PAT not in console
