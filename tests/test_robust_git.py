"""Awkward repositories: a corrupt object, a shallow clone, an empty repository, no repository,
UTF-16 files git calls binary. Each gives a result or one clear line, never a traceback."""
import json
from pathlib import Path

import pytest

from fakes import TOKEN_LINE
from gitrepo import GitRepo



def one_line_error(done, *words):
    assert done.returncode == 2, done.stdout
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert all(word in done.stderr for word in words), done.stderr


def push_line(repo, remote=None):
    return f"refs/heads/main {repo.head()} refs/heads/main {remote or '0' * 40}\n"


def test_corrupt_object_is_one_line(git_repo, cli):
    repo = git_repo()
    repo.commit("one", **{"a.txt": TOKEN_LINE, "b.txt": "hello\n"})
    blob = repo.git("rev-parse", "HEAD:b.txt")
    loose = repo.path / ".git" / "objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"not zlib at all")
    one_line_error(cli("history", cwd=repo.path), blob)
    (repo.path / "b.txt").unlink()  # else git's diff reuses the checked-out copy
    one_line_error(cli("pre-push", cwd=repo.path, input=push_line(repo)))


@pytest.mark.parametrize("tmpdir", ["default", "missing"])
def test_git_s_error_is_read_back_wherever_temporary_files_go(git_repo, tmp_path, monkeypatch, tmpdir):
    """git's stderr goes to an unnamed temporary file: O_TMPFILE in TMPDIR, else `tempfile`'s."""
    from scanner.errors import HushgateError
    from scanner.sources.git import git_stream

    if tmpdir == "missing":
        monkeypatch.setenv("TMPDIR", str(tmp_path / "missing"))
    repo = git_repo()
    with pytest.raises(HushgateError, match="git rev-list: fatal: .*no-such-ref"):
        with git_stream(["rev-list", "no-such-ref", "--"], cwd=repo.path) as process:
            process.stdout.read()


def test_shallow_clone_scans_what_it_holds_and_says_so(git_repo, cli):
    source = git_repo("source")
    source.commit("one", **{"old.txt": TOKEN_LINE})
    source.commit("two", **{"new.txt": TOKEN_LINE.replace("token", "other")})
    source.git("clone", "-q", "--depth", "1", f"file://{source.path}", source.path.parent / "clone")
    clone = GitRepo(source.path.parent / "clone", init=False)
    done = cli("history", "-f", "json", cwd=clone.path)
    assert done.returncode == 1, done.stderr
    assert "shallow clone" in done.stderr
    assert {f["path"] for f in json.loads(done.stdout)["findings"]} == {"old.txt", "new.txt"}
    clone.write("c.txt", TOKEN_LINE)
    clone.add("c.txt")
    assert cli("staged", cwd=clone.path).returncode == 1


def test_empty_repository_is_clean_everywhere(git_repo, cli):
    repo = git_repo()
    for args, stdin in ((["history"], None), (["staged"], None), (["pre-push"], ""), (["scan", "."], None),
                        (["baseline", "create", "--history"], None)):
        done = cli(*args, cwd=repo.path, input=stdin)
        assert done.returncode == 0, (args, done.stderr)
        assert done.stderr == "", (args, done.stderr)


def test_outside_a_repository_is_one_line(tmp_path, cli):
    for args in (["history"], ["staged"], ["install"]):
        one_line_error(cli(*args, cwd=tmp_path), "not a git repository")


def test_bare_repository_has_no_index_to_stage(git_repo, cli):
    repo = git_repo("bare.git", bare=True)
    one_line_error(cli("staged", cwd=repo.path), "bare repository")


def test_utf16_files_git_calls_binary_are_scanned_in_hooks(git_repo, cli):
    repo = git_repo()
    repo.commit("base", **{"a.txt": "a\n"})
    repo.write("win.env", ("first\nsecond\n" + TOKEN_LINE).encode("utf-16"))
    repo.write("image.png", b"\x89PNG\0\0" + TOKEN_LINE.encode("utf-16"))
    repo.write("blob.dat", b"\0\1\2\3" * 50)
    repo.add()
    staged = json.loads(cli("staged", "-f", "json", cwd=repo.path).stdout)
    assert [(f["path"], f["line"]) for f in staged["findings"]] == [("win.env", 3)]
    assert staged["summary"]["skipped_by_reason"] == {"binary": 2}
    repo.commit("windows file")
    pushed = json.loads(cli("pre-push", "-f", "json", cwd=repo.path, input=push_line(repo)).stdout)
    assert [(f["path"], f["line"]) for f in pushed["findings"]] == [("win.env", 3)]
    history = json.loads(cli("history", "-f", "json", cwd=repo.path).stdout)
    assert [(f["path"], f["line"]) for f in history["findings"]] == [("win.env", 3)]


def test_file_names_with_control_characters_in_git(git_repo, cli):
    repo = git_repo()
    repo.commit("base", **{"a.txt": "a\n"})
    name = "new\nline\ttab\x1b[31m.env"
    repo.write(name, TOKEN_LINE)
    repo.add()
    done = cli("staged", cwd=repo.path)
    assert done.returncode == 1 and "\x1b" not in done.stdout + done.stderr
    assert "new\\nline\\ttab\\x1b[31m.env" in done.stdout
    report = json.loads(cli("staged", "-f", "json", cwd=repo.path).stdout)
    assert [f["path"] for f in report["findings"]] == [name]


@pytest.mark.parametrize("command", ["history", "staged"])
def test_not_utf8_file_name_is_escaped_not_dropped(git_repo, cli, command):
    repo = git_repo()
    repo.commit("base", **{"a.txt": "a\n"})
    (Path(repo.path) / b"caf\xe9.env".decode("utf-8", "surrogateescape")).write_text(TOKEN_LINE)
    repo.add()
    if command == "history":
        repo.commit("latin-1 name")
    done = cli(command, "-f", "json", cwd=repo.path)
    done_bytes = done.stdout.encode("utf-8")  # valid UTF-8, or this would have failed to decode
    assert [f["path"] for f in json.loads(done_bytes)["findings"]] == ["caf\\xe9.env"]
