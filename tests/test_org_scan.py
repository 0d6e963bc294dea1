"""`hushgate org scan`: sources, blob-once and commit-once across forks, incremental rescans."""
import json
import re

from fakes import AWS_SECRET, GITHUB_PAT
from gitrepo import GitRepo
from orgrepos import TOKEN_LINE, finding_keys, report, small_org


def scan(cli, db, *args, expect=(0, 1)):
    done = cli("org", "scan", *map(str, args), "--db", db, "--jobs", "1", "--no-progress")
    assert done.returncode in expect, done.stdout + done.stderr
    return done


def read_count(summary: str) -> int:
    return int(re.search(r"([\d,]+) blobs read", summary).group(1).replace(",", ""))


def test_directory_source_finds_bare_and_nested_repositories(git_repo, cli, tmp_path):
    org = tmp_path / "org"
    small_org(org)
    nested = GitRepo(org / "team" / "tools")
    nested.commit("start", **{"deploy.sh": TOKEN_LINE})
    (org / "docs").mkdir()
    (org / "docs" / "notes.txt").write_text("not a repository\n")
    done = scan(cli, tmp_path / "org.sqlite", org)
    assert "4 repositories: 4 scanned" in done.stdout
    document = report(cli, tmp_path / "org.sqlite")
    assert {f["repo"] for f in document["findings"]} == {"upstream", "fork.git", "team/tools"}
    assert document["summary"]["repos"] == 4


def test_forks_share_blobs_and_commits_and_match_a_standalone_history_scan(git_repo, cli, tmp_path):
    org = tmp_path / "org"
    repos = small_org(org)
    done = scan(cli, tmp_path / "org.sqlite", org)
    kinds = repos["upstream"].git("cat-file", "--batch-all-objects", "--batch-check=%(objecttype)").split()
    upstream_blobs = kinds.count("blob")
    # Every blob of the organisation once: upstream's, the fork's one new blob, clean's one.
    assert read_count(done.stdout) == upstream_blobs + 1 + 1
    document = report(cli, tmp_path / "org.sqlite")
    shared = [f for f in document["findings"] if f["rule_id"].startswith("github")]
    assert {f["repo"] for f in shared} == {"upstream", "fork.git"}
    assert all(f["repos"] == 2 for f in shared)
    assert document["findings"][0]["repos"] == 2  # the secret in the most repositories first
    introducing = repos["upstream"].git("log", "--format=%H", "-1", "--", "config.ini")
    assert {f["commit"] for f in shared} == {introducing}
    # The fork's findings, partly inherited from upstream's walk, are what `history` finds in it.
    history = json.loads(cli("history", "-f", "json", repos["fork"].path).stdout)
    fork_findings = [f for f in document["findings"] if f["repo"] == "fork.git"]
    assert sorted((f["path"], f["line"], f["fingerprint"], f["commit"], f["in_head"]) for f in fork_findings) == \
        sorted((f["path"], f["line"], f["fingerprint"], f["commit"], f["in_head"]) for f in history["findings"])
    assert any(AWS_SECRET[:4] in f["secret_preview"] for f in fork_findings)
    # Scanned alone into another datastore, the fork gives the same findings as alongside upstream.
    scan(cli, tmp_path / "fork-only.sqlite", repos["fork"].path)
    alone = report(cli, tmp_path / "fork-only.sqlite")
    assert finding_keys(alone) == finding_keys({"findings": fork_findings})


def test_rescans_read_only_what_is_new_and_a_rule_change_rescans_all(git_repo, cli, tmp_path):
    org = tmp_path / "org"
    repos = small_org(org)
    db = tmp_path / "org.sqlite"
    first = read_count(scan(cli, db, org).stdout)
    again = scan(cli, db, org).stdout
    assert "3 repositories: 0 scanned, 3 unchanged" in again and read_count(again) == 0
    repos["clean"].commit("oops", **{"settings.py": f'GITHUB = "{GITHUB_PAT}"\n'})
    after_commit = scan(cli, db, org).stdout
    assert "1 scanned, 2 unchanged" in after_commit and read_count(after_commit) == 1
    assert {"upstream", "fork.git", "clean"} == {f["repo"] for f in report(cli, db)["findings"]}
    rules = tmp_path / "house.toml"
    rules.write_text('[[rules]]\nid = "house-ticket"\ntitle = "Internal ticket token"\n'
                     'regex = \'\'\'(HT-[0-9]{6})\'\'\'\nkeywords = ["ht-"]\n'
                     'examples.positive = ["HT-123456"]\nexamples.negative = ["HT-12"]\n')
    repos["upstream"].commit("ticket", **{"notes.txt": "see HT-482913\n"})
    changed = scan(cli, db, org, "--rules", rules, "--engine", "portable").stdout  # no Hyperscan build
    assert "3 scanned, 0 unchanged" in changed and read_count(changed) == first + 2
    assert any(f["rule_id"] == "house-ticket" for f in report(cli, db)["findings"])


def test_list_file_with_paths_urls_and_broken_entries(git_repo, cli, tmp_path):
    org = tmp_path / "org"
    repos = small_org(org)
    (tmp_path / "plain").mkdir()
    listing = tmp_path / "repos.txt"
    listing.write_text(f"# our repositories\norg/upstream\n\nfile://{repos['fork'].path}\norg/missing\nplain\n"
                       f"file://{tmp_path}/nowhere.git\n")
    db = tmp_path / "org.sqlite"
    done = scan(cli, db, listing, expect=(2,))
    assert "5 repositories: 2 scanned, 0 unchanged, 3 failed" in done.stdout
    assert "exit 2: 3 repositories could not be scanned (and open secrets were found)." in done.stdout
    failed = dict(line[len("failed: "):].split(": ", 1) for line in done.stdout.splitlines() if line.startswith("failed:"))
    assert set(failed) == {"org/missing", "plain", f"{tmp_path}/nowhere".lstrip("/")}
    assert "no such directory" in failed["org/missing"] and "not a git repository" in failed["plain"]
    document = report(cli, db)
    assert {e["path"] for e in document["errors"]} == set(failed)
    fork_name = str(repos["fork"].path).lstrip("/").removesuffix(".git")
    assert {f["repo"] for f in document["findings"]} == {"org/upstream", fork_name}
    mirrors = list((tmp_path / "org.sqlite.repos").iterdir())
    assert len(mirrors) == 1 and mirrors[0].name.endswith(".git")
    # The next run fetches what the fork gained since.
    repos["fork_work"].commit("more", **{"later.ini": f'key = "{GITHUB_PAT[:-4]}Wq9z"\n'})
    repos["fork_work"].git("push", "-q", "origin", "HEAD")
    scan(cli, db, listing, expect=(2,))
    assert any(f["path"] == "later.ini" for f in report(cli, db)["findings"])


def test_exit_codes_and_bad_sources(git_repo, cli, tmp_path):
    clean = git_repo("clean")
    clean.commit("start", **{"main.c": "int main(void) { return 0; }\n"})
    assert "0 open secrets" in scan(cli, tmp_path / "a.sqlite", clean.path, expect=(0,)).stdout
    done = cli("org", "scan", tmp_path / "nope", "--db", tmp_path / "a.sqlite")
    assert done.returncode == 2 and "no such directory or file" in done.stderr and "Traceback" not in done.stderr
    done = cli("org", "scan", "--db", tmp_path / "a.sqlite")
    assert done.returncode == 2 and "nothing to scan" in done.stderr
    (tmp_path / "empty").mkdir()
    done = cli("org", "scan", tmp_path / "empty", "--db", tmp_path / "a.sqlite")
    assert done.returncode == 2 and "no git repositories" in done.stderr
