"""`hushgate pre-push`: every commit the remote lacks, commit by commit, on real repositories."""
import json

import pytest

from fakes import AWS_KEY_ID, GITHUB_PAT, TOKEN_LINE

ZERO = "0" * 40


@pytest.fixture
def pushed(git_repo):
    """A work repository whose main is already on its bare `origin`."""
    origin = git_repo("origin.git", bare=True)
    work = git_repo("work")
    work.git("remote", "add", "origin", origin.path)
    work.commit("base", **{"readme.md": "hello\n"})
    work.git("push", "-q", "origin", "main")
    return work


def pre_push(cli, repo, lines, *args, env=None):
    done = cli("pre-push", "origin", "file:///origin.git", "-f", "json", *args, cwd=repo.path, input=lines, env=env)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def line(local_sha, remote_sha, ref="refs/heads/main"):
    return f"{ref} {local_sha} {ref} {remote_sha}\n"


def test_a_secret_added_then_removed_within_the_push_is_caught(pushed, cli):
    remote = pushed.head()
    added = pushed.commit("add config", **{"deploy.env": f"user=ci\n{TOKEN_LINE}"})
    pushed.git("rm", "-q", "deploy.env")
    pushed.commit("oops, remove it")
    pushed.commit("more work", **{"notes.md": "done\n"})
    code, report = pre_push(cli, pushed, line(pushed.head(), remote))
    assert code == 1
    [finding] = report["findings"]
    assert (finding["path"], finding["line"], finding["commit"]) == ("deploy.env", 2, added)
    assert finding["in_head"] is False
    assert finding["author"] == "Test Author <author@example.com>"
    assert finding["date"].startswith("20")
    assert report["summary"]["commits"] == 3


def test_a_new_branch_scans_only_commits_no_remote_has(pushed, cli):
    pushed.commit("already public", **{"old.cfg": f"key={AWS_KEY_ID}\n"})
    pushed.git("push", "-q", "origin", "main")
    pushed.git("checkout", "-q", "-b", "feature")
    new = pushed.commit("feature work", **{"feature.py": TOKEN_LINE})
    code, report = pre_push(cli, pushed, line(new, ZERO, "refs/heads/feature"))
    assert [(f["path"], f["commit"], f["in_head"]) for f in report["findings"]] == [("feature.py", new, True)]
    assert report["summary"]["commits"] == 1


def test_a_deleted_ref_sends_nothing_to_scan(pushed, cli):
    done = cli("pre-push", "origin", "url", cwd=pushed.path,
               input=f"(delete) {ZERO} refs/heads/gone {pushed.head()}\n")
    assert (done.returncode, done.stdout) == (0, "")


def test_pre_commit_framework_range_variables(pushed, cli):
    start = pushed.head()
    pushed.commit("one", **{"a.txt": TOKEN_LINE})
    end = pushed.commit("two", **{"b.txt": "clean\n"})
    code, report = pre_push(cli, pushed, "", env={"PRE_COMMIT_FROM_REF": start, "PRE_COMMIT_TO_REF": end})
    assert code == 1 and [f["path"] for f in report["findings"]] == ["a.txt"]
    code, report = pre_push(cli, pushed, "", env={"PRE_COMMIT_FROM_REF": end, "PRE_COMMIT_TO_REF": end})
    assert code == 0 and report["findings"] == []


def test_pre_commit_framework_push_of_a_root_commit(git_repo, cli):
    repo = git_repo()
    repo.commit("root", **{"creds.txt": TOKEN_LINE})
    code, report = pre_push(cli, repo, "", env={"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main",
                                                "PRE_COMMIT_REMOTE_NAME": "origin"})
    assert code == 1 and [f["path"] for f in report["findings"]] == ["creds.txt"]


def test_a_secret_only_a_merge_brings_in_is_caught(pushed, cli):
    remote = pushed.head()
    pushed.git("checkout", "-q", "-b", "side")
    pushed.commit("side", **{"side.txt": "side\n"})
    pushed.git("checkout", "-q", "main")
    pushed.commit("main", **{"main.txt": "main\n"})
    pushed.git("merge", "-q", "--no-commit", "side")
    pushed.write("merged.txt", TOKEN_LINE)  # an "evil merge": content neither parent has
    pushed.add("merged.txt")
    pushed.git("commit", "-q", "--no-verify", "-m", "merge side")
    code, report = pre_push(cli, pushed, line(pushed.head(), remote))
    assert [(f["path"], f["commit"]) for f in report["findings"]] == [("merged.txt", pushed.head())]


def test_clean_push_is_silent(pushed, cli):
    remote = pushed.head()
    pushed.commit("docs", **{"docs.md": "words\n"})
    done = cli("pre-push", "origin", "url", cwd=pushed.path, input=line(pushed.head(), remote))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_garbage_on_stdin_is_a_one_line_error(pushed, cli):
    done = cli("pre-push", "origin", "url", cwd=pushed.path, input="this is not a ref line\n")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def test_native_pre_push_hook_blocks_a_real_push_and_passes_a_clean_one(pushed, cli):
    assert cli("install", "--pre-push", cwd=pushed.path).returncode == 0
    before = pushed.head()
    pushed.commit("add", **{"key.txt": TOKEN_LINE})
    pushed.git("rm", "-q", "key.txt")
    pushed.commit("remove")
    blocked = pushed.run("push", "origin", "main")
    assert blocked.returncode != 0
    output = blocked.stdout + blocked.stderr
    assert "github-pat-classic" in output and "git push --no-verify" in output
    assert GITHUB_PAT not in output
    assert pushed.git("ls-remote", "origin", "main").split()[0] == before
    pushed.git("reset", "-q", "--hard", before)
    pushed.commit("clean", **{"ok.txt": "fine\n"})
    assert pushed.run("push", "origin", "main").returncode == 0
