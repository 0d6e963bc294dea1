"""`hushgate history`: each blob scanned once, findings at the commit that brought them in."""
import json
import os
from pathlib import Path

import pytest

from fakes import AWS_KEY_ID, GITHUB_PAT, TOKEN_LINE



def history(cli, repo, *args, expect=(0, 1)):
    done = cli("history", "-f", "json", *args, cwd=repo.path if hasattr(repo, "path") else repo)
    assert done.returncode in expect, done.stderr
    return json.loads(done.stdout)


def commits_and_files(repo) -> int:
    """Blob occurrences counted the slow way: the files of every commit's tree."""
    return sum(len(repo.git("ls-tree", "-r", "--name-only", commit).splitlines())
               for commit in repo.git("rev-list", "--all").split())


def test_a_blob_shared_by_many_commits_is_scanned_once(git_repo, cli):
    repo = git_repo()
    repo.commit("secret file", **{"config.ini": TOKEN_LINE})
    for n in range(12):
        repo.commit(f"change {n}", **{"counter.txt": f"{n}\n"})
    report = history(cli, repo)
    summary = report["summary"]
    assert summary["commits"] == 13
    assert summary["unique_blobs_scanned"] == 13  # config.ini once, counter.txt in 12 versions
    assert summary["blob_occurrences"] == commits_and_files(repo) == 1 + 12 * 2
    assert len(report["findings"]) == 1


def test_findings_go_to_the_oldest_commit_that_brought_them_in(git_repo, cli):
    repo = git_repo()
    repo.commit("start", **{"app.py": "a = 1\n"})
    introduced = repo.commit("add token", **{"app.py": f"a = 1\n{TOKEN_LINE}"})
    repo.commit("edit elsewhere", **{"app.py": f"a = 2\n{TOKEN_LINE}"})
    repo.commit("edit again", **{"app.py": f"a = 3\n{TOKEN_LINE}b = 4\n"})
    copied = repo.commit("copy it", **{"copy.py": TOKEN_LINE})
    report = history(cli, repo)
    found = {f["path"]: f for f in report["findings"]}
    assert set(found) == {"app.py", "copy.py"}  # one per place, not one per version
    assert (found["app.py"]["commit"], found["app.py"]["line"]) == (introduced, 2)
    assert found["app.py"]["author"] == "Test Author <author@example.com>"
    assert found["app.py"]["date"] == repo.git("show", "-s", "--format=%aI", introduced)
    assert found["copy.py"]["commit"] == copied
    assert found["app.py"]["in_head"] is True


def test_in_head_is_false_once_the_secret_is_gone(git_repo, cli):
    repo = git_repo()
    added = repo.commit("add", **{"keys.txt": f"id={AWS_KEY_ID}\n", "still.txt": TOKEN_LINE})
    repo.git("rm", "-q", "keys.txt")
    repo.commit("remove")
    found = {f["path"]: f for f in history(cli, repo)["findings"]}
    assert (found["keys.txt"]["commit"], found["keys.txt"]["in_head"]) == (added, False)
    assert found["still.txt"]["in_head"] is True


def test_console_report_shows_the_commit(git_repo, cli):
    repo = git_repo()
    added = repo.commit("add", **{"a.txt": TOKEN_LINE})
    repo.commit("drop", **{"a.txt": "gone\n"})
    done = cli("history", cwd=repo.path)
    assert done.returncode == 1 and done.stderr == ""  # no progress bar when piped
    assert f"commit {added[:12]}" in done.stdout and "no longer at HEAD" in done.stdout
    assert "unique blobs scanned: 2" in done.stdout and GITHUB_PAT not in done.stdout


def test_since_commit_scans_only_the_range(git_repo, cli):
    repo = git_repo()
    repo.commit("old leak", **{"old.txt": TOKEN_LINE})
    base = repo.commit("base", **{"readme.md": "hi\n"})
    new = repo.commit("new leak", **{"new.cfg": f"key={AWS_KEY_ID}\n"})
    report = history(cli, repo, "--since-commit", base)
    assert [(f["path"], f["commit"]) for f in report["findings"]] == [("new.cfg", new)]
    assert report["summary"]["commits"] == 1
    assert report["summary"]["blob_occurrences"] == 3  # old.txt, readme.md, new.cfg in that one commit


def test_branch_limits_the_history(git_repo, cli):
    repo = git_repo()
    repo.commit("main", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("topic leak", **{"t.txt": TOKEN_LINE})
    repo.git("checkout", "-q", "main")
    assert history(cli, repo, "--branch", "main")["findings"] == []
    assert [f["path"] for f in history(cli, repo)["findings"]] == ["t.txt"]


def test_binary_and_oversized_blobs_are_skipped_and_counted(git_repo, cli):
    repo = git_repo()
    repo.commit("files", **{"img.dat": b"\0PNG" + TOKEN_LINE.encode(), "big.txt": "x" * 4000 + TOKEN_LINE,
                            "logo.png": TOKEN_LINE})
    report = history(cli, repo, "--max-file-size", "2k")
    assert report["findings"] == []
    assert report["summary"]["skipped_by_reason"] == {"binary": 2, "too-large": 1}


def test_a_large_blob_is_scanned_in_windows(git_repo, cli):
    repo = git_repo()
    filler = "".join(f"filler line {n}\n" for n in range(700_000))  # ~11 MB: more than one window
    repo.commit("big", **{"big.log": filler + TOKEN_LINE})
    report = history(cli, repo, "--max-file-size", "50M")
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("big.log", 700_001)]


def test_empty_repository_is_clean(git_repo, cli):
    repo = git_repo()
    report = history(cli, repo, expect=(0,))
    assert report["summary"]["unique_blobs_scanned"] == 0


def test_bare_clone_and_shallow_clone(git_repo, cli, tmp_path):
    repo = git_repo()
    for n in range(3):
        repo.commit(f"c{n}", **{f"f{n}.txt": TOKEN_LINE if n == 0 else f"{n}\n"})
    bare = tmp_path / "bare.git"
    repo.git("clone", "-q", "--bare", repo.path, bare)
    assert [f["path"] for f in history(cli, bare)["findings"]] == ["f0.txt"]
    shallow = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", shallow)
    done = cli("history", "-f", "json", cwd=shallow)
    assert done.stderr.count("shallow clone") == 1
    assert [f["path"] for f in json.loads(done.stdout)["findings"]] == ["f0.txt"]


def test_hostile_file_names_come_through(git_repo, cli):
    repo = git_repo()
    names = ["new\nline.txt", "sp ace.txt", "\x1b[31mred.txt", "ünï.txt"]
    repo.commit("odd", **{name: TOKEN_LINE for name in names})
    assert sorted(f["path"] for f in history(cli, repo)["findings"]) == sorted(names)
    console = cli("history", cwd=repo.path).stdout
    assert "\x1b" not in console and "new\\nline.txt" in console


def test_not_a_repository_is_a_one_line_error(tmp_path, cli):
    done = cli("history", tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "not a git repository" in done.stderr


def test_unknown_since_commit_is_a_one_line_error(git_repo, cli):
    repo = git_repo()
    repo.commit("one", **{"a.txt": "a\n"})
    done = cli("history", "--since-commit", "deadbeef", cwd=repo.path)
    assert done.returncode == 2 and "--since-commit deadbeef" in done.stderr and done.stderr.count("\n") == 1


def test_a_corrupt_object_is_named_in_a_one_line_error(git_repo, cli):
    repo = git_repo()
    repo.commit("one", **{"a.txt": TOKEN_LINE})
    blob = repo.git("rev-parse", "HEAD:a.txt")
    loose = Path(repo.path, ".git", "objects", blob[:2], blob[2:])
    os.chmod(loose, 0o644)
    loose.write_bytes(b"this is not a zlib stream")
    done = cli("history", cwd=repo.path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert blob in done.stderr


@pytest.mark.parametrize("kind", ["blob", "tree"])
def test_a_missing_object_is_named(git_repo, cli, kind):
    repo = git_repo()
    repo.commit("one", **{"dir/a.txt": "a\n"})
    victim = repo.git("rev-parse", "HEAD:dir/a.txt" if kind == "blob" else "HEAD:dir")
    Path(repo.path, ".git", "objects", victim[:2], victim[2:]).unlink()
    done = cli("history", cwd=repo.path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert victim in done.stderr


def test_detached_head_and_an_unborn_branch(git_repo, cli):
    repo = git_repo()
    on_main = repo.commit("main", **{"a.txt": f"key={AWS_KEY_ID}\n"})
    repo.git("checkout", "-q", "--detach")
    detached = repo.commit("detached", **{"d.txt": TOKEN_LINE})
    found = {f["path"]: (f["commit"], f["in_head"]) for f in history(cli, repo)["findings"]}
    assert found == {"a.txt": (on_main, True), "d.txt": (detached, True)}
    repo.git("checkout", "-q", "--orphan", "unborn")  # HEAD names a branch without commits
    found = {f["path"]: (f["commit"], f["in_head"]) for f in history(cli, repo)["findings"]}
    assert found == {"a.txt": (on_main, False)}


def test_later_versions_are_scanned_only_where_they_change(git_repo, cli):
    repo = git_repo()
    body = "".join(f"setting_{n} = {n}\n" for n in range(400))
    repo.commit("start", **{"app.cfg": body + TOKEN_LINE})
    for n in range(5):
        repo.commit(f"edit {n}", **{"app.cfg": f"version = {n}\n" + body + TOKEN_LINE})
    report = history(cli, repo)
    assert len(report["findings"]) == 1
    assert report["summary"]["unique_blobs_scanned"] == 6
    assert report["summary"]["bytes"] < len(body) + 5 * 200  # the first version, then a few lines each


def test_edits_at_both_ends_still_find_a_secret_added_between(git_repo, cli):
    repo = git_repo()
    body = [f"setting_{n} = {n}\n" for n in range(400)]
    repo.commit("start", **{"app.cfg": "".join(body)})
    body[0], body[-1], body[200] = "first = changed\n", "last = changed\n", TOKEN_LINE
    leak = repo.commit("three edits", **{"app.cfg": "".join(body)})
    found = history(cli, repo)["findings"]
    assert [(f["commit"], f["line"]) for f in found] == [(leak, 201)]


def test_a_range_reports_what_it_adds_not_what_it_touches(git_repo, cli):
    repo = git_repo()
    base = repo.commit("old leak", **{"settings.py": f"DEBUG = False\n{TOKEN_LINE}"})
    repo.commit("edit next to it", **{"settings.py": f"DEBUG = True\n{TOKEN_LINE}"})
    assert history(cli, repo, "--since-commit", base)["findings"] == []
    leak = repo.commit("new leak", **{"settings.py": f"DEBUG = True\n{TOKEN_LINE}key = {AWS_KEY_ID}\n"})
    found = history(cli, repo, "--since-commit", base)["findings"]
    assert [(f["commit"], f["line"]) for f in found] == [(leak, 3)]


def test_a_copy_of_an_edited_version_gets_its_own_finding(git_repo, cli):
    repo = git_repo()
    repo.commit("start", **{"app.py": "a = 1\n"})
    repo.commit("leak", **{"app.py": f"a = 1\n{TOKEN_LINE}"})
    copied = repo.commit("copy", **{"backup/app.py": f"a = 1\n{TOKEN_LINE}"})  # the same blob
    found = {f["path"]: f["commit"] for f in history(cli, repo)["findings"]}
    assert found["backup/app.py"] == copied and len(found) == 2


def test_in_head_follows_the_secret_not_the_file(git_repo, cli):
    repo = git_repo()
    repo.commit("leak", **{"app.py": f"a = 1\n{TOKEN_LINE}"})
    repo.commit("fix", **{"app.py": "a = 1\ntoken = os.environ['TOKEN']\n"})
    [finding] = history(cli, repo)["findings"]
    assert finding["in_head"] is False


def test_blobs_that_only_a_tag_reaches_are_scanned(git_repo, cli):
    repo = git_repo()
    repo.commit("start", **{"a.txt": "a\n"})
    repo.write("key.txt", TOKEN_LINE)
    blob = repo.git("hash-object", "-w", "key.txt")
    repo.git("tag", "published-key", blob)  # a tag of a blob, as projects publish signing keys
    found = history(cli, repo)["findings"]
    assert [(f["rule_id"], f["path"], f.get("commit")) for f in found] == [
        ("github-pat-classic", "refs/tags/published-key", None)]
    assert history(cli, repo, "--branch", "HEAD")["findings"] == []  # one branch: its commits only
