"""A hostile repository: everything in it that could name a program (config, hooks, attributes, a
promisor remote of a partial clone) is pointed at a script leaving a marker, and no hushgate command
may run any of them. Also: git's refusal of another user's repository is explained, and a crafted
tree cannot make a report path leave the repository."""
import json
import os
import shutil

import pytest

from fakes import TOKEN_LINE
from scanner.sources.git import display_path, first_error_line

HOOKS = ("applypatch-msg pre-applypatch post-applypatch pre-commit pre-merge-commit prepare-commit-msg "
         "commit-msg post-commit pre-rebase post-checkout post-merge pre-push pre-receive update "
         "proc-receive post-receive post-update reference-transaction push-to-checkout pre-auto-gc "
         "post-rewrite sendemail-validate fsmonitor-watchman p4-changelist p4-prepare-changelist "
         "p4-post-changelist p4-pre-submit post-index-change").split()


def trap_script(folder, marker):
    script = folder / "trap.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> '{marker}'\nexit 1\n")
    script.chmod(0o755)
    return script


def set_traps(repo, script, hooks_dir):
    """Every setting that names a program git might run, and every hook."""
    hooks_dir.mkdir(exist_ok=True)
    for hook in HOOKS:
        shutil.copy(script, hooks_dir / hook)
        (repo.path / ".git" / "hooks").mkdir(exist_ok=True)
        shutil.copy(script, repo.path / ".git" / "hooks" / hook)
    program = str(script)
    settings = {
        "core.fsmonitor": program, "core.editor": program, "core.pager": program, "core.sshCommand": program,
        "core.askPass": program, "core.gitProxy": program, "core.hooksPath": str(hooks_dir),
        "core.alternateRefsCommand": program, "diff.external": program, "diff.trap.textconv": program,
        "diff.trap.command": program, "merge.trap.driver": program, "filter.trap.clean": program,
        "filter.trap.smudge": program, "filter.trap.process": program, "filter.trap.required": "true",
        "gpg.program": program, "gpg.ssh.program": program, "gpg.x509.program": program,
        "log.showSignature": "true", "pager.log": program, "pager.diff": program, "pager.show": program,
        "credential.helper": f"!{program}", "sequence.editor": program, "uploadpack.packObjectsHook": program,
        "protocol.ext.allow": "always", "protocol.allow": "always", "core.untrackedCache": "true",
    }
    for key, value in settings.items():
        repo.git("config", key, value)
    repo.write(".gitattributes", "* diff=trap filter=trap merge=trap ident export-subst\n")


def assert_no_trap(marker):
    assert not marker.exists(), marker.read_text()


def push_line(repo):
    return f"refs/heads/main {repo.head()} refs/heads/main {'0' * 40}\n"


def test_no_command_runs_anything_from_the_repository(git_repo, cli, tmp_path):
    marker = tmp_path / "ran"
    script = trap_script(tmp_path, marker)
    repo = git_repo()
    repo.commit("base", **{"a.txt": "a\n"})
    repo.commit("leak", **{"b.txt": TOKEN_LINE})
    repo.write("c.txt", TOKEN_LINE)
    repo.add("c.txt")
    set_traps(repo, script, tmp_path / "hooks")
    repo.run("status")  # proves the trap: plain git runs the fsmonitor
    assert marker.exists()
    marker.unlink()

    assert cli("staged", cwd=repo.path).returncode == 1
    assert cli("staged", "c.txt", cwd=repo.path).returncode == 1
    assert cli("pre-push", "origin", "url", cwd=repo.path, input=push_line(repo)).returncode == 1
    report = json.loads(cli("history", "-f", "json", cwd=repo.path).stdout)
    assert {f["path"] for f in report["findings"]} == {"b.txt"}
    assert cli("scan", ".", cwd=repo.path).returncode == 1
    assert cli("baseline", "create", "--history", "-o", tmp_path / "base.json", cwd=repo.path).returncode == 0
    assert cli("baseline", "prune", "--baseline", tmp_path / "base.json", cwd=repo.path).returncode == 0
    assert_no_trap(marker)


@pytest.fixture
def partial_clone(git_repo, tmp_path):
    """A blobless clone: its history names blobs it does not hold, which git would fetch on demand."""
    server = git_repo("server")
    server.commit("one", **{"a.txt": TOKEN_LINE})
    server.git("config", "uploadpack.allowFilter", "true")
    clone = git_repo("clone", bare=False)
    clone.git("remote", "add", "origin", f"file://{server.path}")
    clone.git("fetch", "-q", "--filter=blob:none", "origin")
    clone.git("config", "remote.origin.promisor", "true")
    clone.git("config", "remote.origin.partialclonefilter", "blob:none")
    clone.git("update-ref", "refs/heads/main", "refs/remotes/origin/main")
    clone.git("update-ref", "-d", "refs/remotes/origin/main")  # so that a push would send it
    return clone


@pytest.mark.parametrize("trap", ["uploadpack", "ext", "ssh"])
def test_a_partial_clone_never_fetches(partial_clone, cli, tmp_path, trap):
    marker = tmp_path / "ran"
    script = trap_script(tmp_path, marker)
    clone = partial_clone
    if trap == "uploadpack":
        clone.git("config", "remote.origin.uploadpack", str(script))
    elif trap == "ext":
        clone.git("config", "protocol.ext.allow", "always")
        clone.git("config", "remote.origin.url", f"ext::{script} %S")
    else:
        clone.git("config", "core.sshCommand", str(script))
        clone.git("config", "remote.origin.url", "ssh://git.example.invalid/repo.git")
    missing = clone.git("rev-parse", "HEAD:a.txt")
    clone.run("cat-file", "-p", missing)  # proves the trap: plain git fetches, running the program
    assert marker.exists()
    marker.unlink()

    done = cli("history", cwd=clone.path)
    assert done.returncode == 2 and "partial clone" in done.stderr and "never fetches" in done.stderr
    assert done.stderr.count("\n") == 1
    pushed = cli("pre-push", cwd=clone.path, input=push_line(clone))
    assert pushed.returncode == 2 and "never fetches" in pushed.stderr
    assert_no_trap(marker)


def test_another_user_s_repository_is_explained(git_repo, cli, tmp_path):
    repo = git_repo()
    repo.commit("one", **{"a.txt": TOKEN_LINE})
    if os.geteuid() != 0:
        pytest.skip("needs root to give the repository to another user")
    for folder, _, files in os.walk(repo.path):
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            os.lchown(name, 12345, 12345)
    for args in (["history"], ["staged"]):
        done = cli(*args, cwd=repo.path)
        assert done.returncode == 2, done.stdout
        assert "owned by another user" in done.stderr and "safe.directory" in done.stderr
        assert done.stderr.count("\n") == 1


def test_dubious_ownership_message_names_the_fix():
    stderr = (b"fatal: detected dubious ownership in repository at '/srv/repo'\nTo add an exception for this "
              b"directory, call:\n\n\tgit config --global --add safe.directory /srv/repo\n")
    message = first_error_line(stderr)
    assert "/srv/repo" in message and "git config --global --add safe.directory /srv/repo" in message


@pytest.mark.parametrize("raw, shown", [
    (b"../evil.txt", "%2E%2E/evil.txt"), (b"a/../../b", "a/%2E%2E/%2E%2E/b"), (b"./x", "%2E/x"),
    (b"/etc/passwd", "%2F/etc/passwd"), (b"ok/name.txt", "ok/name.txt"), (b"..hidden/x..", "..hidden/x.."),
])
def test_git_paths_never_climb_out(raw, shown):
    assert display_path(raw) == shown


def test_crafted_tree_cannot_point_a_report_outside_the_repository(git_repo, cli):
    repo = git_repo()
    blob = repo.git("hash-object", "-w", "--stdin", input=TOKEN_LINE)
    inner = repo.git("mktree", input=f"100644 blob {blob}\tevil.txt\n")
    top = repo.git("hash-object", "-t", "tree", "--literally", "-w", "--stdin",
                   input=b"40000 ..\0" + bytes.fromhex(inner)).decode().strip()
    commit = repo.git("commit-tree", "-m", "crafted", top)
    repo.git("update-ref", "refs/heads/main", commit)
    for args, stdin in ((["history"], None), (["pre-push"], push_line(repo))):
        report = json.loads(cli(*args, "-f", "json", cwd=repo.path, input=stdin).stdout)
        assert [f["path"] for f in report["findings"]] == ["%2E%2E/evil.txt"], args
