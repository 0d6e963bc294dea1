"""`hushgate install` / `uninstall`: native hooks that chain, respect core.hooksPath and block."""
import os

from fakes import GITHUB_PAT, TOKEN_LINE



def existing_hook(path, marker):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho original >> '{marker}'\nexit 0\n")
    path.chmod(0o755)
    return path.read_text()


def test_installed_hook_blocks_a_secret_and_lets_a_clean_commit_through(git_repo, cli):
    repo = git_repo()
    done = cli("install", cwd=repo.path)
    assert done.returncode == 0 and "installed the hushgate pre-commit hook" in done.stdout
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    assert os.access(hook, os.X_OK)
    script = hook.read_text()
    assert "git commit --no-verify" in script and "hushgate:allow" in script
    repo.write("leak.txt", TOKEN_LINE)
    repo.add()
    blocked = repo.run("commit", "-m", "leak")
    assert blocked.returncode != 0
    assert "github-pat-classic" in blocked.stdout + blocked.stderr
    assert "git commit --no-verify" in blocked.stderr and GITHUB_PAT not in blocked.stdout + blocked.stderr
    assert repo.run("rev-parse", "--verify", "HEAD").returncode != 0  # nothing was committed
    repo.write("leak.txt", "nothing secret\n")
    repo.add()
    assert repo.run("commit", "-q", "-m", "clean").returncode == 0


def test_an_existing_hook_is_chained_and_restored_on_uninstall(git_repo, cli, tmp_path):
    repo = git_repo()
    marker = tmp_path / "original-ran"
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    original = existing_hook(hook, marker)
    done = cli("install", cwd=repo.path)
    assert "kept as pre-commit.pre-hushgate and runs first" in done.stdout
    repo.write("leak.txt", TOKEN_LINE)
    repo.add()
    assert repo.run("commit", "-m", "leak").returncode != 0
    assert marker.read_text() == "original\n"
    assert cli("uninstall", cwd=repo.path).returncode == 0
    assert hook.read_text() == original
    assert not (hook.parent / "pre-commit.pre-hushgate").exists()


def test_install_refuses_rather_than_lose_a_hook_and_force_replaces(git_repo, cli, tmp_path):
    repo = git_repo()
    hooks = repo.path / ".git" / "hooks"
    existing_hook(hooks / "pre-commit", tmp_path / "a")
    existing_hook(hooks / "pre-commit.pre-hushgate", tmp_path / "b")
    refused = cli("install", cwd=repo.path)
    assert refused.returncode == 2 and "--force" in refused.stderr and refused.stderr.count("\n") == 1
    assert "hushgate-hook" not in (hooks / "pre-commit").read_text()
    forced = cli("install", "--force", cwd=repo.path)
    assert forced.returncode == 0 and "hushgate-hook" in (hooks / "pre-commit").read_text()


def test_core_hooks_path_is_respected(git_repo, cli):
    repo = git_repo()
    repo.git("config", "core.hooksPath", ".githooks")
    done = cli("install", "--pre-commit", "--pre-push", cwd=repo.path)
    assert "core.hooksPath" in done.stdout
    assert (repo.path / ".githooks" / "pre-commit").exists() and (repo.path / ".githooks" / "pre-push").exists()
    assert not (repo.path / ".git" / "hooks" / "pre-commit").exists()
    repo.write("leak.txt", TOKEN_LINE)
    repo.add()
    assert repo.run("commit", "-m", "leak").returncode != 0


def test_uninstall_leaves_a_foreign_hook_alone(git_repo, cli, tmp_path):
    repo = git_repo()
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    original = existing_hook(hook, tmp_path / "m")
    done = cli("uninstall", cwd=repo.path)
    assert done.returncode == 0 and "nothing removed" in done.stdout
    assert hook.read_text() == original


def test_a_scanner_package_in_the_repository_is_not_what_the_hook_runs(git_repo, cli, tmp_path):
    repo = git_repo()
    assert cli("install", cwd=repo.path).returncode == 0
    marker = tmp_path / "impostor-ran"
    repo.write("scanner/__init__.py", f"open({str(marker)!r}, 'w').write('ran')\n")
    repo.write("scanner/__main__.py", "")
    repo.write("leak.txt", TOKEN_LINE)
    repo.add("leak.txt")
    assert repo.run("commit", "-m", "leak").returncode != 0
    assert not marker.exists()


def test_commit_all_and_commit_of_a_path_are_scanned_through_the_index_git_hands_the_hook(git_repo, cli):
    repo = git_repo()
    repo.commit("base", **{"tracked.txt": "one\n", "other.txt": "two\n"})
    assert cli("install", cwd=repo.path).returncode == 0
    repo.write("tracked.txt", f"one\n{TOKEN_LINE}")  # modified, not staged
    assert repo.run("commit", "-a", "-m", "all").returncode != 0
    assert repo.run("commit", "-m", "path", "tracked.txt").returncode != 0
    repo.write("other.txt", "two\nthree\n")
    assert repo.run("commit", "-m", "other path", "other.txt").returncode == 0
